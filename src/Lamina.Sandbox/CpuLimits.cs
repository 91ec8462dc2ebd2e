namespace Lamina.Sandbox;

/// <summary>
/// How a sandbox's CPU is limited (cgroup v1 cpu controller, through runc's <c>linux.resources.cpu</c>).
/// Lambda allocates CPU in proportion to memory: one vCPU at 1,769 MB, 6 vCPUs at 10,240 MB. Lamina writes
/// that as a CFS quota per 100 ms period, raised to <see cref="FloorVcpus"/> and capped at <see cref="HostCpus"/>.
/// </summary>
/// <param name="Quota">false: no CFS quota at all (a sandbox may use every core; only shares apply).</param>
/// <param name="FloorVcpus">The least CPU a sandbox is allowed, in vCPUs, whatever its memory (e.g. 0.25: a
/// 128 MB function gets 25 ms per 100 ms instead of Lambda's 7.2 ms). Between 0.01 and 64.</param>
/// <param name="HostCpus">CPUs of this host; no quota exceeds them (0 = <see cref="Environment.ProcessorCount"/>).</param>
public sealed record CpuLimits(bool Quota = true, double FloorVcpus = CpuLimits.DefaultFloorVcpus, int HostCpus = 0)
{
    /// <summary>Memory at which Lambda gives a function one full vCPU.</summary>
    public const int MegabytesPerVcpu = 1769;

    /// <summary>CFS period in microseconds (the kernel's default).</summary>
    public const ulong PeriodUs = 100_000;

    /// <summary>The default floor: see docs/sandbox.md ("CPU") for the measurements behind it.</summary>
    public const double DefaultFloorVcpus = 0.25;

    /// <summary>Smallest quota the kernel accepts (1 ms).</summary>
    private const long KernelMinQuotaUs = 1_000;

    /// <summary>Lambda's proportion, the floor and the host cap applied.</summary>
    public static CpuLimits Default { get; } = new();

    /// <summary>
    /// true: a sandbox starts with no CFS quota (the host's CPUs, shares still equal) and gets its quota from
    /// <see cref="SandboxManager.EndInitCpuBoostAsync"/> once the function's init is done: Lambda is observed to
    /// run init unthrottled, and a 0.25 vCPU quota makes a 20 ms NativeAOT init wait several 100 ms periods.
    /// The caller that sets this must call that method after init (or destroy the sandbox); false (the default
    /// here, on in the server's Execution section): the quota is in the spec from the start.
    /// </summary>
    public bool InitBoost { get; init; }

    /// <summary>The quota runc writes at create: none while <see cref="InitBoost"/> holds, else <see cref="QuotaUs"/>.</summary>
    public long CreateQuotaUs(int memoryMb) => InitBoost ? -1 : QuotaUs(memoryMb);

    /// <summary>Every problem with these settings, as messages naming the option. Empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!(FloorVcpus is >= 0.01 and <= 64)) errors.Add($"CPU floor {FloorVcpus} vCPU is out of range 0.01-64");
        if (HostCpus < 0) errors.Add($"host CPU count {HostCpus} must not be negative");
        return errors;
    }

    /// <summary>CPUs the cap uses: <see cref="HostCpus"/>, or the ones this process may run on.</summary>
    public int EffectiveHostCpus => HostCpus > 0 ? HostCpus : Environment.ProcessorCount;

    /// <summary>
    /// The CFS quota (µs per <see cref="PeriodUs"/>) for a sandbox of <paramref name="memoryMb"/>, or -1 (runc's
    /// "unlimited") when <see cref="Quota"/> is off: max(memory / 1769, floor) vCPUs, at most the host's CPUs.
    /// </summary>
    public long QuotaUs(int memoryMb)
    {
        if (!Quota) return -1;
        var lambda = (long)PeriodUs * memoryMb / MegabytesPerVcpu;
        var floor = (long)Math.Ceiling(PeriodUs * FloorVcpus);
        var cap = (long)PeriodUs * EffectiveHostCpus;
        return Math.Max(KernelMinQuotaUs, Math.Min(cap, Math.Max(lambda, floor)));
    }

    /// <summary>
    /// cpu.shares (the weight when CPUs are contended): 1024, a default process's weight, for every sandbox. Not
    /// proportional to memory: a small weight makes the kernel run a waking sandbox late and briefly, and a 128 MB
    /// neighbour of a spinning 3.5 GB function (weights 74 and 2048) was 6–40× slower per invoke
    /// (docs/reliability.md). The quota, not the weight, keeps a small function small; equal weights share a
    /// contended host evenly between the sandboxes that want more than they get.
    /// </summary>
    public const ulong Shares = 1024;
}
