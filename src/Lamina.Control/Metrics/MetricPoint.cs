namespace Lamina.Control.Metrics;

/// <summary>Aggregated metrics of one or more minutes (the JSON API's time-series point).</summary>
public sealed record MetricPoint(
    DateTimeOffset Time,
    long Invocations,
    long Errors,
    long Throttles,
    long PlatformErrors,
    long ColdStarts,
    double? InitDurationAvgMs,
    double? DurationP50Ms,
    double? DurationP90Ms,
    double? DurationP99Ms,
    double? DurationMaxMs,
    int MaxConcurrency)
{
    public static MetricPoint Empty(long minute) => new(DateTimeOffset.FromUnixTimeSeconds(minute * 60), 0, 0, 0, 0, 0, null, null, null, null, null, 0);

    public static MetricPoint From(IReadOnlyList<MinuteBucket> buckets, long minute)
    {
        var durations = buckets.SelectMany(b => b.Durations).Order().ToList();
        var cold = buckets.Sum(b => b.ColdStarts);
        return new MetricPoint(
            DateTimeOffset.FromUnixTimeSeconds(minute * 60),
            buckets.Sum(b => b.Invocations),
            buckets.Sum(b => b.Errors),
            buckets.Sum(b => b.Throttles),
            buckets.Sum(b => b.PlatformErrors),
            cold,
            cold == 0 ? null : buckets.Sum(b => b.InitDurationSumMs) / cold,
            Percentiles.Of(durations, 0.50),
            Percentiles.Of(durations, 0.90),
            Percentiles.Of(durations, 0.99),
            durations.Count == 0 ? null : durations[^1],
            buckets.Count == 0 ? 0 : buckets.Max(b => b.MaxConcurrency));
    }
}
