using Lamina.Control.Invoke;

namespace Lamina.Control.Metrics;

/// <summary>
/// One function's invocations within one UTC minute. Durations are kept as a bounded sample (reservoir
/// sampling past <see cref="MaxSamples"/>) so percentiles stay cheap at any invoke rate.
/// </summary>
public sealed class MinuteBucket(long minute)
{
    public const int MaxSamples = 4096;

    /// <summary>Unix minute (Unix seconds / 60) this bucket covers.</summary>
    public long Minute { get; } = minute;

    public long Invocations { get; private set; }
    public long Errors { get; private set; }
    public long Throttles { get; private set; }
    public long PlatformErrors { get; private set; }
    public long ColdStarts { get; private set; }
    public double InitDurationSumMs { get; private set; }
    public int MaxConcurrency { get; private set; }

    /// <summary>Sampled durations (ms) of invocations that ran (not throttled).</summary>
    public List<double> Durations { get; } = [];

    private long _ran;

    /// <summary>Adds one record. Callers serialise access (the owning <see cref="FunctionMetrics"/> locks).</summary>
    public void Add(InvocationRecord r)
    {
        MaxConcurrency = Math.Max(MaxConcurrency, r.ConcurrentExecutions);
        if (r.Outcome == InvocationOutcome.Throttled)
        {
            Throttles++;
            return;
        }
        Invocations++;
        if (r.Outcome == InvocationOutcome.FunctionError) Errors++;
        if (r.Outcome == InvocationOutcome.PlatformError) PlatformErrors++;
        if (r.InitDurationMs is { } init)
        {
            ColdStarts++;
            InitDurationSumMs += init;
        }
        _ran++;
        if (Durations.Count < MaxSamples) Durations.Add(r.DurationMs);
        else if (Random.Shared.NextInt64(_ran) is var slot && slot < MaxSamples) Durations[(int)slot] = r.DurationMs;
    }
}
