namespace Lamina.Control.Metrics;

/// <summary>
/// One function's series over a <see cref="MetricRange"/>: per-minute rows from control.db (what survives beyond the
/// 24 hours kept in memory) overlaid by the in-memory minutes (newer, possibly not flushed yet), grouped into the
/// range's buckets. Percentiles of a bucket come from the merged duration samples of its minutes.
/// </summary>
public static class RangeSeries
{
    /// <summary>The summary over the whole range and one point per bucket, oldest first; the last bucket ends at <paramref name="nowMinute"/>.</summary>
    public static (MetricPoint Summary, List<MetricPoint> Points) Build(
        string functionName, FunctionMetrics? live, MetricsStore store, long nowMinute, MetricRange range)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(range);
        var from = nowMinute - range.Minutes + 1;
        var byMinute = new Dictionary<long, MinuteBucket>();
        // Memory holds the last 24 h whole (restored from control.db at start): the database is read only for older minutes.
        var memoryFrom = nowMinute - FunctionMetrics.RetainedMinutes + 1;
        if (from < memoryFrom)
        {
            foreach (var row in store.LoadFunction(functionName, from, memoryFrom - 1)) byMinute[row.Minute] = MinuteBucket.FromRow(row);
        }
        foreach (var row in live?.Rows(Math.Max(from, memoryFrom), nowMinute) ?? []) byMinute[row.Minute] = MinuteBucket.FromRow(row);

        var points = new List<MetricPoint>(range.Points);
        for (var start = from; start <= nowMinute; start += range.BucketMinutes)
        {
            var end = start + range.BucketMinutes - 1;
            var buckets = new List<MinuteBucket>();
            for (var m = start; m <= end; m++)
            {
                if (byMinute.TryGetValue(m, out var b)) buckets.Add(b);
            }
            points.Add(buckets.Count == 0 ? MetricPoint.Empty(start) : MetricPoint.From(buckets, start));
        }
        var summary = byMinute.Count == 0 ? MetricPoint.Empty(from) : MetricPoint.From([.. byMinute.Values], from);
        return (summary, points);
    }
}
