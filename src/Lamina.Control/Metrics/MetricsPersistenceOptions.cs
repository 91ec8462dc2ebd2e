namespace Lamina.Control.Metrics;

/// <summary>How per-minute metrics are kept in control.db (<see cref="MetricsFlusher"/>).</summary>
public sealed record MetricsPersistenceOptions
{
    /// <summary>How often changed minutes are written (one transaction each time). A SIGKILL loses at most this much.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long minute rows are kept: 15 days, as CloudWatch keeps 1-minute data points.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(15);
}
