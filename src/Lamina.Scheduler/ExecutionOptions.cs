namespace Lamina.Scheduler;

/// <summary>
/// The server's Execution section (<c>LAMINA__Execution__IdleTimeout=00:02:00</c>, …): whether invokes run
/// real environments, and the scheduler's limits. Validated at start with the rest of the options.
/// </summary>
public sealed class ExecutionOptions
{
    /// <summary>true: must run (start-up fails when it cannot); false: off; null (default): on when runc exists, we are root and the agent binary is found.</summary>
    public bool? Enabled { get; set; }

    /// <summary>Host path of the NativeAOT lamina-init; null looks next to the server (see <see cref="ExecutionAvailability"/>).</summary>
    public string? AgentBinary { get; set; }

    /// <summary>The runc executable.</summary>
    public string RuncPath { get; set; } = "/usr/sbin/runc";

    /// <summary>
    /// The OCI runtime that creates sandboxes: "runc" (default) or "crun" (same config.json and hardening, less CPU per
    /// sandbox: bench/coldstart/README.md). <c>LAMINA__Execution__Runtime=crun</c>; ./lamina server installs both.
    /// </summary>
    public string Runtime { get; set; } = "runc";

    /// <summary>The crun executable (used when <see cref="Runtime"/> is crun).</summary>
    public string CrunPath { get; set; } = Lamina.Sandbox.OciRuntimes.DefaultCrunPath;

    /// <summary>The runtime <see cref="Runtime"/> names (runc when it names none; <see cref="Validate"/> reports that).</summary>
    public Lamina.Sandbox.OciRuntime SandboxRuntime =>
        Lamina.Sandbox.OciRuntimes.TryParse(Runtime, out var runtime) ? runtime : Lamina.Sandbox.OciRuntime.Runc;

    /// <summary>The executable of the configured runtime.</summary>
    public string RuntimePath => SandboxRuntime == Lamina.Sandbox.OciRuntime.Crun ? CrunPath : RuncPath;

    /// <summary>cgroup directory name of this server's sandboxes; null derives one from the data directory, so two servers never share one.</summary>
    public string? CgroupParent { get; set; }

    /// <summary>A warm environment idle (frozen) longer than this is destroyed.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Concurrent executions across all functions (AWS's account limit).</summary>
    public int AccountConcurrency { get; set; } = 1000;

    /// <summary>New environments per second per function once the burst is spent (token bucket refill).</summary>
    public double ScalingRate { get; set; } = 100;

    /// <summary>New environments a function may start at once (token bucket size).</summary>
    public int ScalingBurst { get; set; } = 1000;

    /// <summary>Sum of MemorySize of live environments may not exceed this; 0 means the host's MemTotal.</summary>
    public int MemoryLimitMb { get; set; }

    /// <summary>
    /// Sandboxes made ahead of demand per pool (function, version, image digest, config revision) once that pool
    /// has had a cold start: created, started, lamina-init ready, frozen, no runtime yet. The next cold start of the
    /// pool takes one (a thaw instead of runc create + start) and a replacement is made in the background.
    /// </summary>
    public int SpareSandboxes { get; set; } = 1;

    /// <summary>
    /// true (default): a function that becomes Active (create, code or configuration update), a version just
    /// published and the versions an alias was just pointed at get their pool's spares then, so their first invoke
    /// is not a cold start on demand; they are reaped after <see cref="IdleTimeout"/>
    /// unused. false: spares only after a pool's first cold start. No effect when <see cref="SpareSandboxes"/> is 0.
    /// </summary>
    public bool PrewarmOnActive { get; set; } = true;

    /// <summary>
    /// true (default): each sandbox gets a CFS quota of MemorySize / 1769 vCPUs (Lambda's rule), at least
    /// <see cref="CpuFloorVcpus"/>, at most the host's CPUs; false: no quota, a sandbox may use every core.
    /// </summary>
    public bool CpuQuota { get; set; } = true;

    /// <summary>The least CPU quota a sandbox gets, in vCPUs (0.01–64; docs/sandbox.md, "CPU").</summary>
    public double CpuFloorVcpus { get; set; } = Lamina.Sandbox.CpuLimits.DefaultFloorVcpus;

    /// <summary>
    /// How long past a function's timeout the host waits for the agent's answer before it kills the sandbox and answers
    /// Sandbox.Timedout (<c>EnvironmentOptions.DeadlineGrace</c>); 0.1 s–5 min. Raise it on a heavily loaded host.
    /// </summary>
    public TimeSpan DeadlineGrace { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// true (default): a new environment's init (runtime start to its first /next, bounded by the init timeout)
    /// runs without the CFS quota, which is written once init is done (what Lambda is observed to do); false:
    /// the quota applies from the sandbox's first instruction. No effect when <see cref="CpuQuota"/> is off.
    /// </summary>
    public bool InitCpuBoost { get; set; } = true;

    /// <summary>
    /// Most runc/crun create and start calls at once (<c>EnvironmentOptions.MaxConcurrentStarts</c>); 0 (default)
    /// is no cap, 0–1000. A burst of cold starts beyond it queues for the runtime (bench/invoke/README.md).
    /// </summary>
    public int MaxConcurrentStarts { get; set; }

    /// <summary>
    /// true (default): lamina-init installs the sandbox's seccomp filter, compiled to BPF once by the server, as its
    /// first act, and runc/crun compile none per start (saves ~10 ms of CPU per cold start, bench/coldstart/README.md);
    /// false: the runtime compiles the same profile from the spec on every start. docs/sandbox.md, "Seccomp".
    /// </summary>
    public bool SeccompInAgent { get; set; } = true;

    /// <summary>The sandboxes' CPU settings these options describe.</summary>
    public Lamina.Sandbox.CpuLimits ToCpuLimits() => new(CpuQuota, CpuFloorVcpus) { InitBoost = InitCpuBoost };

    /// <summary>Every problem, as messages a user can act on. Empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (IdleTimeout <= TimeSpan.Zero) errors.Add("Execution:IdleTimeout must be positive");
        if (AccountConcurrency is < 1 or > 100_000) errors.Add($"Execution:AccountConcurrency {AccountConcurrency} is out of range 1-100000");
        if (!(ScalingRate > 0) || double.IsInfinity(ScalingRate)) errors.Add("Execution:ScalingRate must be a positive number of environments per second");
        if (ScalingBurst < 1) errors.Add("Execution:ScalingBurst must be at least 1");
        if (SpareSandboxes is < 0 or > 16) errors.Add($"Execution:SpareSandboxes {SpareSandboxes} is out of range 0-16");
        if (DeadlineGrace < TimeSpan.FromMilliseconds(100) || DeadlineGrace > TimeSpan.FromMinutes(5))
            errors.Add($"Execution:DeadlineGrace {DeadlineGrace} is out of range 00:00:00.1-00:05:00");
        if (MaxConcurrentStarts is < 0 or > 1000) errors.Add($"Execution:MaxConcurrentStarts {MaxConcurrentStarts} is out of range 0-1000 (0: no cap)");
        if (MemoryLimitMb < 0) errors.Add("Execution:MemoryLimitMb must not be negative");
        if (string.IsNullOrWhiteSpace(RuncPath)) errors.Add("Execution:RuncPath must be set");
        if (!Lamina.Sandbox.OciRuntimes.TryParse(Runtime, out _)) errors.Add($"Execution:Runtime '{Runtime}' must be runc or crun");
        if (string.IsNullOrWhiteSpace(CrunPath)) errors.Add("Execution:CrunPath must be set");
        if (CgroupParent is not null && (CgroupParent.Length is 0 or > 64 || !CgroupParent.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')))
            errors.Add($"Execution:CgroupParent '{CgroupParent}' must be 1-64 of [a-z0-9-]");
        errors.AddRange(ToCpuLimits().Validate().Select(e => "Execution:CpuFloorVcpus: " + e));
        if (AgentBinary is not null && AgentBinary.Length == 0) errors.Add("Execution:AgentBinary must not be empty when set");
        return errors;
    }
}
