using System.Collections.Concurrent;
using Lamina.Control.Invoke;

namespace Lamina.Scheduler.Tests.Fixtures;

/// <summary>Keeps everything the scheduler reports, for assertions.</summary>
public sealed class RecordingTelemetry : IInvocationTelemetry
{
    public ConcurrentQueue<FunctionLogBatch> Batches { get; } = new();
    public ConcurrentQueue<InvocationRecord> Records { get; } = new();

    public void AppendLog(FunctionLogBatch batch) => Batches.Enqueue(batch);

    public void Record(InvocationRecord record) => Records.Enqueue(record);

    public IReadOnlyList<InvocationRecord> RecordsOf(string function) => Records.Where(r => r.FunctionName == function).ToList();

    /// <summary>Distinct log streams (one per environment) that received lines for <paramref name="function"/>.</summary>
    public IReadOnlyList<string> StreamsOf(string function) =>
        Batches.Where(b => b.FunctionName == function).Select(b => b.LogStreamName).Distinct().ToList();
}
