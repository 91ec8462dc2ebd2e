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

    /// <summary>Invocations that ran (the population <see cref="Durations"/> samples).</summary>
    public long Ran { get; private set; }

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
        Ran++;
        if (Durations.Count < MaxSamples) Durations.Add(r.DurationMs);
        else if (Random.Shared.NextInt64(Ran) is var slot && slot < MaxSamples) Durations[(int)slot] = r.DurationMs;
    }

    /// <summary>This bucket as a row to persist, its duration sample reduced to at most <paramref name="maxSamples"/>.</summary>
    public MinuteRow ToRow(string functionName, int maxSamples) => new(functionName, Minute, Invocations, Errors, Throttles,
        PlatformErrors, ColdStarts, InitDurationSumMs, MaxConcurrency, Ran, Reduce(Durations, maxSamples));

    /// <summary>A bucket with a persisted row's counts and samples (after a restart).</summary>
    public static MinuteBucket FromRow(MinuteRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var b = new MinuteBucket(row.Minute)
        {
            Invocations = row.Invocations,
            Errors = row.Errors,
            Throttles = row.Throttles,
            PlatformErrors = row.PlatformErrors,
            ColdStarts = row.ColdStarts,
            InitDurationSumMs = row.InitDurationSumMs,
            MaxConcurrency = row.MaxConcurrency,
            Ran = row.Ran,
        };
        b.Durations.AddRange(row.Durations.Take(MaxSamples));
        return b;
    }

    /// <summary>
    /// Evenly spaced order statistics of the sample: the reduced sample keeps the shape of the distribution (its
    /// percentiles within one step of the full sample's) in a bounded row size.
    /// </summary>
    private static double[] Reduce(List<double> samples, int max)
    {
        if (samples.Count <= max) return [.. samples];
        var sorted = samples.Order().ToArray();
        var reduced = new double[max];
        for (var i = 0; i < max; i++) reduced[i] = sorted[(int)((long)i * (sorted.Length - 1) / (max - 1))];
        return reduced;
    }
}

/// <summary>One function's minute as stored in control.db's metric_minutes table.</summary>
public sealed record MinuteRow(string FunctionName, long Minute, long Invocations, long Errors, long Throttles, long PlatformErrors,
    long ColdStarts, double InitDurationSumMs, int MaxConcurrency, long Ran, IReadOnlyList<double> Durations);
