using System.Diagnostics;

namespace Lamina.Scheduler;

/// <summary>
/// Where the scheduler's share of invokes went, summed over every invoke since the last <see cref="Reset"/>
/// (host clock): admission (including a cold start when one was needed), the environment's invoke (thaw, the
/// control socket, agent, runtime), reading and forwarding its log lines, and the record + release. The bench
/// (bench/invoke) subtracts these from the client's latency to see what the API layer costs. Lock-free.
/// </summary>
public sealed class InvokePhases
{
    private long _count, _admit, _environment, _logs, _finish;

    internal void Add(long admit, long environment, long logs, long finish)
    {
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _admit, admit);
        Interlocked.Add(ref _environment, environment);
        Interlocked.Add(ref _logs, logs);
        Interlocked.Add(ref _finish, finish);
    }

    /// <summary>Invokes counted and the mean of each phase per invoke, in milliseconds.</summary>
    public (long Count, double AdmitMs, double EnvironmentMs, double LogsMs, double FinishMs) Means()
    {
        var n = Interlocked.Read(ref _count);
        double Ms(ref long ticks) => n == 0 ? 0 : Interlocked.Read(ref ticks) * 1000.0 / Stopwatch.Frequency / n;
        return (n, Ms(ref _admit), Ms(ref _environment), Ms(ref _logs), Ms(ref _finish));
    }

    /// <summary>Starts a new measurement.</summary>
    public void Reset()
    {
        Interlocked.Exchange(ref _count, 0);
        Interlocked.Exchange(ref _admit, 0);
        Interlocked.Exchange(ref _environment, 0);
        Interlocked.Exchange(ref _logs, 0);
        Interlocked.Exchange(ref _finish, 0);
    }
}
