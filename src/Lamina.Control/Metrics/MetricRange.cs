namespace Lamina.Control.Metrics;

/// <summary>
/// A time range the metrics API and the console offer (<c>?range=1h|24h|7d|15d</c>) with its bucket size: about
/// 60–288 points each, so a chart stays readable and an answer small. 15 days is what control.db keeps
/// (<see cref="MetricsPersistenceOptions.Retention"/>, as CloudWatch keeps 1-minute points).
/// </summary>
/// <param name="Name">The query value.</param>
/// <param name="Minutes">The range's length.</param>
/// <param name="BucketMinutes">Minutes per point; divides <paramref name="Minutes"/>.</param>
public sealed record MetricRange(string Name, int Minutes, int BucketMinutes)
{
    /// <summary>Every range offered, shortest first.</summary>
    public static IReadOnlyList<MetricRange> All { get; } =
    [
        new("1h", 60, 1),
        new("24h", 24 * 60, 5),
        new("7d", 7 * 24 * 60, 60),
        new("15d", 15 * 24 * 60, 180),
    ];

    /// <summary>The range named <paramref name="name"/> (case-sensitive, as listed in <see cref="All"/>); null when unknown.</summary>
    public static MetricRange? Parse(string name) => All.FirstOrDefault(r => r.Name == name);

    /// <summary>Points in the range.</summary>
    public int Points => Minutes / BucketMinutes;
}
