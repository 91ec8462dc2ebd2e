using System.Threading.Channels;
using Lamina.Control.Invoke;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lamina.Control.Logs;

/// <summary>
/// Takes function output off the invoke path: <see cref="TryEnqueue"/> never blocks (a bounded channel;
/// a full queue drops the batch and counts it in <see cref="Dropped"/>), and one writer task stores
/// whatever has accumulated in one transaction, creating groups (<c>/aws/lambda/NAME</c>, or the function's
/// LoggingConfig.LogGroup) and streams on first use. It also runs the retention and size-cap sweep every <see cref="LogsOptions.SweepInterval"/>.
/// </summary>
public sealed partial class LogIngestion(LogStore store, LogsOptions options, ILogger<LogIngestion> logger) : BackgroundService
{
    private readonly Channel<FunctionLogBatch> _queue = Channel.CreateBounded<FunctionLogBatch>(
        new BoundedChannelOptions(options.QueueCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    private long _dropped;
    private long _written;

    /// <summary>Batches dropped because the queue was full (or not stored because the write failed).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Events stored so far.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Queues a batch; false (and counted) when the queue is full. (Wait mode: TryWrite fails instead of blocking; DropWrite would report success.)</summary>
    public bool TryEnqueue(FunctionLogBatch batch)
    {
        if (_queue.Writer.TryWrite(batch)) return true;
        if (Interlocked.Increment(ref _dropped) is var n && (n & (n - 1)) == 0) LogDropped(logger, n);
        return false;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var sweep = SweepLoopAsync(stoppingToken);
        var pending = new List<FunctionLogBatch>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                while (pending.Count < options.MaxBatchesPerWrite && _queue.Reader.TryRead(out var b)) pending.Add(b);
                await WriteAsync(pending, stoppingToken);
                pending.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: write what is already queued so a clean shutdown loses nothing.
            while (_queue.Reader.TryRead(out var b)) pending.Add(b);
            await WriteAsync(pending, CancellationToken.None);
        }
        await sweep.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task WriteAsync(List<FunctionLogBatch> batches, CancellationToken ct)
    {
        if (batches.Count == 0) return;
        var rows = batches.Select(b => (GroupOf(b), b.LogStreamName,
            (IReadOnlyList<NewLogEvent>)b.Events.Select(e => new NewLogEvent(e.Timestamp.ToUnixTimeMilliseconds(), e.Message)).ToList())).ToList();
        try
        {
            await store.AppendAsync(rows, createMissing: true, ct);
            Interlocked.Add(ref _written, rows.Sum(r => r.Item3.Count));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Interlocked.Add(ref _dropped, batches.Count);
            LogWriteFailed(logger, e, batches.Count);
        }
    }

    /// <summary>The batch's group: the function's LoggingConfig.LogGroup (validated by the API), else /aws/lambda/NAME.
    /// A name the store would refuse falls back to the default rather than failing the whole write.</summary>
    internal static string GroupOf(FunctionLogBatch batch) =>
        batch.LogGroupName is { } custom && LogGroups.ValidateGroupName(custom) is null ? custom : LogGroups.ForFunction(batch.FunctionName);

    private async Task SweepLoopAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(options.SweepInterval);
        while (await timer.WaitForNextTickAsync(ct))
        {
            try
            {
                var deleted = await store.SweepAsync(options.MaxStoredBytes, ct);
                if (deleted > 0) LogSwept(logger, deleted);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSweepFailed(logger, e);
            }
        }
    }

    [LoggerMessage(EventId = 5201, Level = LogLevel.Warning, Message = "Logs: queue full, {Count} batches of function output dropped so far")]
    private static partial void LogDropped(ILogger logger, long count);

    [LoggerMessage(EventId = 5202, Level = LogLevel.Error, Message = "Logs: writing {Count} batches failed; they are dropped")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(EventId = 5203, Level = LogLevel.Information, Message = "Logs: retention and size cap deleted {Count} events")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(EventId = 5204, Level = LogLevel.Error, Message = "Logs: the retention sweep failed")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
