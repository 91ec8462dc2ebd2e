namespace Lamina.Scheduler;

/// <summary>The scheduler's resolved limits (from <see cref="ExecutionOptions"/>, with the host's memory filled in).</summary>
/// <param name="IdleTimeout">Idle environments older than this are destroyed.</param>
/// <param name="AccountConcurrency">Concurrent executions across all functions.</param>
/// <param name="ScalingRate">New environments per second per function after the burst.</param>
/// <param name="ScalingBurst">New environments a function may start at once.</param>
/// <param name="MemoryLimitMb">Sum of MemorySize over live environments.</param>
/// <param name="Region">AWS_REGION inside environments.</param>
public sealed record SchedulerSettings(
    TimeSpan IdleTimeout,
    int AccountConcurrency,
    double ScalingRate,
    int ScalingBurst,
    long MemoryLimitMb,
    string Region)
{
    /// <summary>Sandboxes kept made ahead of demand per pool once it has had a cold start (0: none).</summary>
    public int SpareSandboxes { get; init; } = 1;

    /// <summary>Make a pool's spares when it becomes invokable ($LATEST Active, a version published, an alias pointed at it), not after its first cold start (needs spares on).</summary>
    public bool PrewarmOnActive { get; init; } = true;

    /// <summary>The host's MemTotal in MB (from /proc/meminfo); a large fallback when unreadable.</summary>
    public static long HostMemoryMb()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            var kb = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
            if (long.TryParse(kb, out var value)) return value / 1024;
        }
        catch (IOException)
        {
        }
        return 1L << 20;
    }
}
