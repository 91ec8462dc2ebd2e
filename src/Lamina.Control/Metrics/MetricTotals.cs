using Lamina.Control.Invoke;

namespace Lamina.Control.Metrics;

/// <summary>Monotonic totals of one function since the server started (the Prometheus counters).</summary>
public sealed class MetricTotals
{
    public long Success { get; private set; }
    public long FunctionErrors { get; private set; }
    public long Throttles { get; private set; }
    public long PlatformErrors { get; private set; }
    public long ColdStarts { get; private set; }
    public double InitDurationSumMs { get; private set; }
    public double DurationSumMs { get; private set; }
    public long DurationCount { get; private set; }

    /// <summary>Latest reported concurrency (environments busy right after the last invocation started).</summary>
    public int LastConcurrency { get; private set; }

    internal void Add(InvocationRecord r)
    {
        LastConcurrency = r.ConcurrentExecutions;
        switch (r.Outcome)
        {
            case InvocationOutcome.Success: Success++; break;
            case InvocationOutcome.FunctionError: FunctionErrors++; break;
            case InvocationOutcome.Throttled: Throttles++; return;
            case InvocationOutcome.PlatformError: PlatformErrors++; break;
        }
        DurationSumMs += r.DurationMs;
        DurationCount++;
        if (r.InitDurationMs is { } init)
        {
            ColdStarts++;
            InitDurationSumMs += init;
        }
    }

    internal MetricTotals Copy() => (MetricTotals)MemberwiseClone();
}
