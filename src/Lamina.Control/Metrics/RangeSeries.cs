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
        var byMinute = new Dictionary<long, MinuteRow>();
        // Memory holds the last 24 h whole (restored from control.db at start): the database is read only for older minutes.
        var memoryFrom = nowMinute - FunctionMetrics.RetainedMinutes + 1;
        if (from < memoryFrom)
        {
            foreach (var row in store.LoadFunction(functionName, from, memoryFrom - 1)) byMinute[row.Minute] = row;
        }
        foreach (var row in live?.Rows(Math.Max(from, memoryFrom), nowMinute) ?? []) byMinute[row.Minute] = row;
        // Percentiles of a point come from at most about SamplesPerPoint durations, an equal share per minute: 15 days
        // of busy minutes would otherwise sort 5.5 million samples for the summary alone.
        var perMinute = Math.Max(1, SamplesPerPoint / range.BucketMinutes);

        var points = new List<MetricPoint>(range.Points);
        for (var start = from; start <= nowMinute; start += range.BucketMinutes)
        {
            var end = start + range.BucketMinutes - 1;
            var rows = new List<MinuteRow>();
            for (var m = start; m <= end; m++)
            {
                if (byMinute.TryGetValue(m, out var row)) rows.Add(row);
            }
            points.Add(rows.Count == 0 ? MetricPoint.Empty(start) : Merge(rows, perMinute, start));
        }
        var summaryPerMinute = Math.Max(1, SamplesPerPoint / Math.Max(1, byMinute.Count));
        var summary = byMinute.Count == 0 ? MetricPoint.Empty(from) : Merge([.. byMinute.Values], summaryPerMinute, from);
        return (summary, points);
    }

    /// <summary>One point of the rows, percentiles from their thinned samples, the maximum exact.</summary>
    private static MetricPoint Merge(IReadOnlyList<MinuteRow> rows, int perMinute, long minute)
    {
        var point = MetricPoint.From([.. rows.Select(r => MinuteBucket.FromRow(Thin(r, perMinute)))], minute);
        var withSamples = rows.Where(r => r.Durations.Count > 0).ToList();
        return withSamples.Count == 0 ? point : point with { DurationMaxMs = withSamples.Max(r => r.Durations.Max()) };
    }

    /// <summary>Duration samples a point's percentiles are computed from, at most (about).</summary>
    public const int SamplesPerPoint = 4096;

    /// <summary>
    /// The row with at most <paramref name="max"/> of its samples, evenly spaced: a stored row's samples are sorted order
    /// statistics and an in-memory one's a random sample, so every k-th keeps the distribution's shape either way. The
    /// offset within each stretch moves from minute to minute (golden-ratio steps), so that many minutes thinned to a
    /// few samples each still cover every part of the distribution between them, not the same few quantiles.
    /// </summary>
    private static MinuteRow Thin(MinuteRow row, int max)
    {
        var d = row.Durations;
        if (d.Count <= max) return row;
        var phase = row.Minute * 0.6180339887498949 % 1.0;
        var kept = new double[max];
        for (var i = 0; i < max; i++) kept[i] = d[Math.Min(d.Count - 1, (int)((i + phase) * d.Count / max))];
        return row with { Durations = kept };
    }
}
