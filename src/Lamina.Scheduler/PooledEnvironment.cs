using Lamina.Control.Logs;
using Lamina.Environments;

namespace Lamina.Scheduler;

/// <summary>
/// One live environment as the scheduler tracks it: its pool, its log stream (one per environment, as
/// Lambda's) and how far its log files have been read.
/// </summary>
internal sealed class PooledEnvironment(ExecutionEnvironment environment, PoolKey key, int memoryMb, string logStreamName)
{
    public ExecutionEnvironment Environment { get; } = environment;
    public PoolKey Key { get; } = key;
    public int MemoryMb { get; } = memoryMb;

    /// <summary><c>YYYY/MM/DD/[VERSION]&lt;32 hex&gt;</c>.</summary>
    public string LogStreamName { get; } = logStreamName;

    /// <summary>
    /// The function's ApplicationLogLevel filter (JSON log format), or null when nothing is filtered. Made once with
    /// the environment: its configuration never changes while it lives (an update starts new environments).
    /// </summary>
    public ApplicationLogFilter? LogFilter { get; } = environment.Function.Logging is { } logging
        ? ApplicationLogFilter.For(logging.LogFormat, logging.ApplicationLogLevel)
        : null;

    /// <summary>
    /// Kept initialised for a provisioned concurrency configuration: used before other idle environments,
    /// never reaped for idleness. Cleared when the configuration goes or shrinks (then it ages out as any other).
    /// </summary>
    public bool Provisioned { get; set; }

    /// <summary>True until the first invoke has run (that invoke reports the init duration).</summary>
    public bool Cold { get; set; } = true;

    /// <summary>When it last went idle (<see cref="TimeProvider"/> timestamp).</summary>
    public long IdleSince { get; set; }

    /// <summary>Bytes of the sandbox's stdout and stderr already forwarded.</summary>
    public long StdoutOffset { get; set; }

    /// <inheritdoc cref="StdoutOffset"/>
    public long StderrOffset { get; set; }

    /// <summary>The sandbox's stdout file, kept open from the first log read until <see cref="CloseLogs"/>.</summary>
    public LogFileHandle StdoutLog { get; } = new();

    /// <inheritdoc cref="StdoutLog"/>
    public LogFileHandle StderrLog { get; } = new();

    /// <summary>Closes the log files (the environment is being destroyed); later reads find nothing.</summary>
    public void CloseLogs()
    {
        StdoutLog.Dispose();
        StderrLog.Dispose();
    }

    public bool Exited => Environment.Sandbox.Exited.IsCompleted;
}
