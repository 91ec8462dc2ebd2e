using Lamina.Control.Invoke;
using Lamina.Control.Logs;

namespace Lamina.Control.Metrics;

/// <summary>
/// The server's <see cref="IInvocationTelemetry"/>: log lines go to the logs store through
/// <see cref="LogIngestion"/>'s bounded queue, records to <see cref="InvocationMetrics"/>. Neither blocks.
/// </summary>
public sealed class InvocationTelemetry(LogIngestion logs, InvocationMetrics metrics) : IInvocationTelemetry
{
    public void AppendLog(FunctionLogBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Events.Count > 0) logs.TryEnqueue(batch);
    }

    public void Record(InvocationRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        metrics.Record(record);
    }
}
