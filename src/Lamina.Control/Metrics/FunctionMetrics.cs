using Lamina.Control.Invoke;

namespace Lamina.Control.Metrics;

/// <summary>
/// One function's metrics: per-minute buckets for the last 24 hours (restored from control.db after a restart,
/// see <see cref="MetricsFlusher"/>), totals since the server started (Prometheus counters must never go down)
/// and the most recent invocations. Memory is bounded per function: at most <see cref="RetainedMinutes"/> buckets
/// of at most <see cref="MinuteBucket.MaxSamples"/> samples, and <see cref="RecentLimit"/> records.
/// </summary>
public sealed class FunctionMetrics(string name)
{
    public const int RetainedMinutes = 24 * 60;
    public const int RecentLimit = 200;

    private readonly Lock _gate = new();
    private readonly Queue<MinuteBucket> _buckets = new();
    private readonly LinkedList<InvocationRecord> _recent = new();
    private readonly HashSet<long> _dirty = [];
    private MinuteBucket? _newest;

    public string Name { get; } = name;

    /// <summary>Totals since start, by outcome.</summary>
    public MetricTotals Totals { get; } = new();

    public void Add(InvocationRecord r)
    {
        var minute = r.Start.ToUnixTimeSeconds() / 60;
        lock (_gate)
        {
            Totals.Add(r);
            // Records arrive nearly in order: almost always the newest bucket (kept at hand, not searched
            // for among up to 1440); one from an older minute joins its bucket if still kept.
            MinuteBucket? bucket;
            if (_newest is null || _newest.Minute < minute)
            {
                bucket = _newest = new MinuteBucket(minute);
                _buckets.Enqueue(bucket);
            }
            else
            {
                bucket = _newest.Minute == minute ? _newest : _buckets.FirstOrDefault(b => b.Minute == minute);
            }
            bucket?.Add(r);
            if (bucket is not null) _dirty.Add(minute);
            while (_buckets.Count > 0 && _buckets.Peek().Minute <= minute - RetainedMinutes) _buckets.Dequeue();
            _recent.AddFirst(r);
            if (_recent.Count > RecentLimit) _recent.RemoveLast();
        }
    }

    /// <summary>
    /// Adds persisted buckets older than every bucket held (a restart: records that arrived before the restore
    /// keep their own, newer buckets), within <see cref="RetainedMinutes"/> of <paramref name="nowMinute"/>.
    /// </summary>
    public void Restore(IEnumerable<MinuteRow> rows, long nowMinute)
    {
        ArgumentNullException.ThrowIfNull(rows);
        lock (_gate)
        {
            var before = _buckets.Count == 0 ? long.MaxValue : _buckets.Peek().Minute;
            var restored = rows.Where(r => r.Minute < before && r.Minute > nowMinute - RetainedMinutes)
                .OrderBy(r => r.Minute).Select(MinuteBucket.FromRow).ToList();
            var newer = _buckets.ToList();
            _buckets.Clear();
            foreach (var b in restored.Concat(newer)) _buckets.Enqueue(b);
            _newest = _buckets.Count == 0 ? null : newer.LastOrDefault() ?? restored[^1];
        }
    }

    /// <summary>
    /// The buckets changed since the last call, as rows (samples reduced to <paramref name="maxSamples"/>); they
    /// count as clean from now on. Put them back with <see cref="MarkDirty"/> when they could not be written.
    /// </summary>
    public List<MinuteRow> TakeDirty(int maxSamples)
    {
        lock (_gate)
        {
            if (_dirty.Count == 0) return [];
            var rows = _buckets.Where(b => _dirty.Contains(b.Minute)).Select(b => b.ToRow(Name, maxSamples)).ToList();
            _dirty.Clear();
            return rows;
        }
    }

    /// <summary>Marks minutes as changed again (a failed write is retried at the next flush).</summary>
    public void MarkDirty(IEnumerable<long> minutes)
    {
        lock (_gate) _dirty.UnionWith(minutes);
    }

    /// <summary>
    /// True when nothing waits to be written and no kept minute is within <paramref name="minutes"/> of
    /// <paramref name="nowMinute"/>. Dropping a function is safe only then: a record arriving later starts a new
    /// FunctionMetrics whose first flush replaces the rows of the minutes it holds, so it must not hold one
    /// already written.
    /// </summary>
    public bool IsQuietFor(long nowMinute, long minutes)
    {
        lock (_gate) return _dirty.Count == 0 && (_newest is null || _newest.Minute <= nowMinute - minutes);
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

    /// <summary>Copies of the minutes from <paramref name="fromMinute"/> to <paramref name="toMinute"/> that saw invocations, every sample kept.</summary>
    public List<MinuteRow> Rows(long fromMinute, long toMinute)
    {
        lock (_gate) return [.. _buckets.Where(b => b.Minute >= fromMinute && b.Minute <= toMinute).Select(b => b.ToRow(Name, MinuteBucket.MaxSamples))];
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
