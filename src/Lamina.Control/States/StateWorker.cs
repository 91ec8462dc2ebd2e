using System.Threading.Channels;
using Lamina.Control.Domain;
using Lamina.Control.Invoke;
using Lamina.Control.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lamina.Control.States;

/// <summary>
/// Drives functions out of Pending and updates out of InProgress, in the background like AWS:
/// <code>
/// Step 1  take a function name from the channel (queued by create/update, and for every unfinished one at start)
/// Step 2  read $LATEST; nothing to do unless State=Pending or LastUpdateStatus=InProgress
/// Step 3  resolve the image (skipped when only configuration changed)
/// Step 4  write the outcome only if $LATEST still has the RevisionId read in step 2; a newer change queued itself
/// Step 5  when the outcome is Active/Successful, tell the invoker (<see cref="IFunctionActivation"/>: the scheduler
///         makes the spare at once instead of at its next once-a-second prewarm pass)
/// </code>
/// </summary>
public sealed partial class StateWorker(ControlStore store, IFunctionImageResolver resolver, IFunctionInvoker invoker, TimeProvider time,
    ILogger<StateWorker> logger)
    : BackgroundService
{
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Asks the worker to settle <paramref name="functionName"/>'s state.</summary>
    public void Enqueue(string functionName) => _queue.Writer.TryWrite(functionName);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var name in store.Read(s => s.Functions(null, int.MaxValue))
                     .Where(f => f.Latest.State == FunctionState.Pending || f.Latest.LastUpdateStatus == LastUpdateStatus.InProgress)
                     .Select(f => f.Latest.FunctionName))
        {
            Enqueue(name);
        }
        try
        {
            await foreach (var name in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await SettleAsync(name, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogSettleFailed(logger, e, name);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The server is stopping: unsettled functions are picked up again at the next start (above).
        }
    }

    /// <summary>Settles one function (Steps 2–5). Public for tests that drive the worker step by step.</summary>
    public async Task SettleAsync(string name, CancellationToken ct)
    {
        // Step 2
        var config = store.Read(s => s.Function(name))?.Latest;
        if (config is null || (config.State != FunctionState.Pending && config.LastUpdateStatus != LastUpdateStatus.InProgress)) return;

        // Step 3
        var needsImage = config.ImageDigest is null || config.PreviousImageUri is not null;
        var resolution = needsImage ? await resolver.ResolveAsync(config.ImageUri, ct) : null;

        // Step 4
        var now = time.GetUtcNow();
        var settled = (await store.WriteAsync<FunctionConfig?>(s =>
        {
            var record = s.Function(name);
            if (record is null || record.Latest.RevisionId != config.RevisionId) return (FunctionConfig?)null;
            var latest = FunctionTransitions.Settle(record.Latest, resolution, now);
            s.UpdateFunction(record with { Latest = latest });
            return latest;
        }, ct)).Value;
        LogSettled(logger, name, resolution?.Failure?.ToString() ?? "ok");

        // Step 5 (after the commit: the invoker may read control.db and must see the new revision)
        if (settled is { State: FunctionState.Active, LastUpdateStatus: LastUpdateStatus.Successful } && invoker is IFunctionActivation activation)
        {
            try
            {
                activation.FunctionActivated(settled);
            }
            catch (Exception e)
            {
                // The contract says it never throws; a bug there must not stop the worker settling other functions.
                LogActivationFailed(logger, e, name);
            }
        }
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Error, Message = "Settling the state of function {Name} failed")]
    private static partial void LogSettleFailed(ILogger logger, Exception exception, string name);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Telling the invoker that function {Name} became Active failed")]
    private static partial void LogActivationFailed(ILogger logger, Exception exception, string name);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Debug, Message = "Function {Name} settled: {Outcome}")]
    private static partial void LogSettled(ILogger logger, string name, string outcome);
}
