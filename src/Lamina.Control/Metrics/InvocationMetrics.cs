using System.Collections.Concurrent;
using Lamina.Control.Invoke;

namespace Lamina.Control.Metrics;

/// <summary>
/// Every function's <see cref="FunctionMetrics"/> in memory (the last 24 hours per minute); <see cref="MetricsFlusher"/>
/// persists the minutes to control.db in batches and restores them at start.
/// </summary>
public sealed class InvocationMetrics(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, FunctionMetrics> _functions = new(StringComparer.Ordinal);

    public TimeProvider Time => time;

    /// <summary>Current Unix minute.</summary>
    public long NowMinute => time.GetUtcNow().ToUnixTimeSeconds() / 60;

    public void Record(InvocationRecord record) =>
        _functions.GetOrAdd(record.FunctionName, n => new FunctionMetrics(n)).Add(record);

    /// <summary>Puts persisted minutes back (at start): each function's rows older than the buckets it already has.</summary>
    public void Restore(IEnumerable<MinuteRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var now = NowMinute;
        foreach (var group in rows.GroupBy(r => r.FunctionName, StringComparer.Ordinal))
            _functions.GetOrAdd(group.Key, n => new FunctionMetrics(n)).Restore(group, now);
    }

    /// <summary>Minutes a deleted function must have been quiet before it is dropped: longer than any
    /// invocation (900 s), whose record arrives at its end but counts in the minute it started.</summary>
    public const int DeletedQuietMinutes = 16;

    /// <summary>
    /// Forgets functions with no minute in the last 24 hours, and functions <paramref name="deleted"/> picks (no
    /// longer in control.db) quiet for <see cref="DeletedQuietMinutes"/>; in both cases only once their minutes
    /// are written (their rows stay in control.db until retention). Without this every function ever invoked
    /// stayed in memory (the soak's deploy loop adds ~43 a minute). Returns how many were dropped.
    /// </summary>
    public int DropIdle(Func<IReadOnlyCollection<string>, IReadOnlySet<string>>? deleted = null)
    {
        var now = NowMinute;
        var gone = deleted?.Invoke([.. _functions.Keys]) ?? new HashSet<string>();
        var dropped = 0;
        foreach (var (name, f) in _functions)
        {
            var quiet = f.IsQuietFor(now, FunctionMetrics.RetainedMinutes) || (gone.Contains(name) && f.IsQuietFor(now, DeletedQuietMinutes));
            if (quiet && _functions.TryRemove(new(name, f))) dropped++;
        }
        return dropped;
    }

    /// <summary>The function's metrics; null when it has no record since the server started.</summary>
    public FunctionMetrics? Function(string name) => _functions.GetValueOrDefault(name);

    /// <summary>Every function with records, by name.</summary>
    public IEnumerable<FunctionMetrics> All() => _functions.Values.OrderBy(f => f.Name, StringComparer.Ordinal);
}
