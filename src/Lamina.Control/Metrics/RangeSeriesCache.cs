using System.Collections.Concurrent;

namespace Lamina.Control.Metrics;

/// <summary>
/// <see cref="RangeSeries.Build"/> answers of the ranges that read control.db (longer than the 24 hours kept in
/// memory: 7d, 15d; ~0.34 s of CPU each), kept per (function, range) so that several consoles polling the same
/// chart pay for one. The stated bound: an answer is served from the cache only within the minute it was built
/// in and for at most <see cref="MaxAge"/> (default 60 s) — an invocation shows in a long range at the latest when
/// the minute it ran in closes, or <see cref="MaxAge"/> after the answer was built if that is sooner. Ranges
/// served from memory alone (1h, 24h) are never cached: they cost milliseconds and stay exact.
/// </summary>
public sealed class RangeSeriesCache(TimeProvider time, TimeSpan? maxAge = null)
{
    /// <summary>Entries kept at most (two cached ranges per function); past it the cache starts empty again.</summary>
    public const int MaxEntries = 1024;

    private readonly ConcurrentDictionary<(string Function, string Range), Entry> _entries = new();

    /// <summary>How long an answer may be served after it was built (within its minute).</summary>
    public TimeSpan MaxAge { get; } = maxAge ?? TimeSpan.FromSeconds(60);

    /// <summary>As <see cref="RangeSeries.Build"/>, from the cache when an answer for the same function, range and
    /// minute was built less than <see cref="MaxAge"/> ago.</summary>
    public (MetricPoint Summary, List<MetricPoint> Points) Build(string functionName, FunctionMetrics? live, MetricsStore store, long nowMinute, MetricRange range)
    {
        ArgumentNullException.ThrowIfNull(range);
        if (range.Minutes <= FunctionMetrics.RetainedMinutes) return RangeSeries.Build(functionName, live, store, nowMinute, range);
        var key = (functionName, range.Name);
        var now = time.GetTimestamp();
        if (_entries.TryGetValue(key, out var hit) && hit.NowMinute == nowMinute && time.GetElapsedTime(hit.BuiltAt, now) < MaxAge)
            return (hit.Summary, hit.Points);
        var built = RangeSeries.Build(functionName, live, store, nowMinute, range);
        if (_entries.Count >= MaxEntries) _entries.Clear();
        // Callers only read the points (they are rendered to JSON): the same list may be handed out again.
        _entries[key] = new Entry(nowMinute, now, built.Summary, built.Points);
        return built;
    }

    private sealed record Entry(long NowMinute, long BuiltAt, MetricPoint Summary, List<MetricPoint> Points);
}
