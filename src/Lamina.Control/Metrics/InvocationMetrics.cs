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

    /// <summary>The function's metrics; null when it has no record since the server started.</summary>
    public FunctionMetrics? Function(string name) => _functions.GetValueOrDefault(name);

    /// <summary>Every function with records, by name.</summary>
    public IEnumerable<FunctionMetrics> All() => _functions.Values.OrderBy(f => f.Name, StringComparer.Ordinal);
}
