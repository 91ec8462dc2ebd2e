using Lamina.Control.Invoke;

namespace Lamina.Control.Metrics;

/// <summary>
/// One function's metrics: per-minute buckets for the last 24 hours, totals since the server started
/// (Prometheus counters must never go down) and the most recent invocations.
/// </summary>
public sealed class FunctionMetrics(string name)
{
    public const int RetainedMinutes = 24 * 60;
    public const int RecentLimit = 200;

    private readonly Lock _gate = new();
    private readonly Queue<MinuteBucket> _buckets = new();
    private readonly LinkedList<InvocationRecord> _recent = new();

    public string Name { get; } = name;

    /// <summary>Totals since start, by outcome.</summary>
    public MetricTotals Totals { get; } = new();

    public void Add(InvocationRecord r)
    {
        var minute = r.Start.ToUnixTimeSeconds() / 60;
        lock (_gate)
        {
            Totals.Add(r);
            // Records arrive nearly in order; one from an older minute joins its bucket if still kept.
            var bucket = _buckets.LastOrDefault(b => b.Minute == minute);
            if (bucket is null && (_buckets.Count == 0 || _buckets.Last().Minute < minute))
            {
                bucket = new MinuteBucket(minute);
                _buckets.Enqueue(bucket);
            }
            bucket?.Add(r);
            while (_buckets.Count > 0 && _buckets.Peek().Minute <= minute - RetainedMinutes) _buckets.Dequeue();
            _recent.AddFirst(r);
            if (_recent.Count > RecentLimit) _recent.RemoveLast();
        }
    }

    /// <summary>
    /// One point per minute from <paramref name="fromMinute"/> to <paramref name="toMinute"/> inclusive (empty minutes included).
    /// </summary>
    public List<MetricPoint> Series(long fromMinute, long toMinute)
    {
        lock (_gate)
        {
            var byMinute = _buckets.Where(b => b.Minute >= fromMinute && b.Minute <= toMinute).ToDictionary(b => b.Minute);
            var points = new List<MetricPoint>();
            for (var m = fromMinute; m <= toMinute; m++)
                points.Add(byMinute.TryGetValue(m, out var b) ? MetricPoint.From([b], m) : MetricPoint.Empty(m));
            return points;
        }
    }

    /// <summary>The buckets from <paramref name="fromMinute"/> on, merged into one point.</summary>
    public MetricPoint Window(long fromMinute, long toMinute)
    {
        lock (_gate) return MetricPoint.From([.. _buckets.Where(b => b.Minute >= fromMinute && b.Minute <= toMinute)], fromMinute);
    }

    /// <summary>The newest invocations first, at most <paramref name="limit"/>.</summary>
    public List<InvocationRecord> Recent(int limit)
    {
        lock (_gate) return [.. _recent.Take(limit)];
    }
}
