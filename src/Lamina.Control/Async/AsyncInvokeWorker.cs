using Lamina.Control.Api;
using Lamina.Control.Domain;
using Lamina.Control.Invoke;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lamina.Control.Async;

/// <summary>
/// Runs stored Event invocations through <see cref="IFunctionInvoker"/>:
/// <code>
/// claim due events (at most MaxConcurrency running) ─► older than MaximumEventAgeInSeconds? ─► drop, OnFailure(EventAgeExceeded)
///        ▲                                             │ no
///        │                                             ▼ invoke
///        │  due = now + backoff ◄── throttled / platform error (until the maximum age)
///        │  due = now + base·2^(n-1) ◄── function error, retries ≤ MaximumRetryAttempts
///        │                              function error, retries exhausted ─► delete, OnFailure(RetriesExhausted)
///        └──────────────────────────── success ─► delete, OnSuccess(Success)
/// </code>
/// Settings come from the event invoke config of the qualifier as invoked (defaults: 2 retries, 6 hours).
/// A destination is another asynchronous invocation, queued in the same store before the event is deleted:
/// a crash in between runs the event again (at least once), never loses the record.
/// </summary>
public sealed partial class AsyncInvokeWorker(
    AsyncEventStore store,
    AsyncInvokeQueue queue,
    IFunctionInvoker invoker,
    LambdaApi api,
    AsyncInvokeOptions options,
    TimeProvider time,
    ILogger<AsyncInvokeWorker> logger) : BackgroundService
{
    public const int DefaultMaximumRetryAttempts = 2;
    public const int DefaultMaximumEventAgeSeconds = 21600;

    private int _running;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var released = await store.ReleaseAllClaimsAsync(stoppingToken);
        if (released > 0) LogReleased(logger, released);
        var tasks = new HashSet<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            var free = options.MaxConcurrency - Volatile.Read(ref _running);
            var claimed = free > 0 ? await store.ClaimDueAsync(free, stoppingToken) : [];
            foreach (var e in claimed)
            {
                Interlocked.Increment(ref _running);
                var task = Task.Run(() => RunAsync(e, stoppingToken), CancellationToken.None);
                lock (tasks) tasks.Add(task);
                _ = task.ContinueWith(t =>
                {
                    lock (tasks) tasks.Remove(t);
                    Interlocked.Decrement(ref _running);
                    queue.Wake();
                }, TaskScheduler.Default);
            }
            if (claimed.Count > 0 && claimed.Count == free) continue;
            var wait = options.PollInterval;
            if (store.NextDue() is { } next && next - time.GetUtcNow() < wait) wait = next - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await queue.WaitAsync(wait, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        Task[] pending;
        lock (tasks) pending = [.. tasks];
        await Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task RunAsync(AsyncEvent e, CancellationToken ct)
    {
        try
        {
            await RunOnceAsync(e, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: the claim is cleared at the next start and the event runs again.
        }
        catch (Exception ex)
        {
            // A bug or a storage failure: leave the claim; the next start retries the event.
            LogRunFailed(logger, ex, e.RequestId);
        }
    }

    private async Task RunOnceAsync(AsyncEvent e, CancellationToken ct)
    {
        var name = e.Function.FunctionName;
        if (!api.FunctionExists(name))
        {
            LogFunctionGone(logger, e.RequestId, name);
            await store.DeleteAsync(e.Id, ct);
            return;
        }
        var settings = api.EventInvokeSettings(name, e.Qualifier);
        var maxRetries = settings?.MaximumRetryAttempts ?? DefaultMaximumRetryAttempts;
        var maxAge = TimeSpan.FromSeconds(settings?.MaximumEventAgeInSeconds ?? DefaultMaximumEventAgeSeconds);
        if (time.GetUtcNow() - e.EnqueuedAt > maxAge)
        {
            LogAgeExceeded(logger, e.RequestId, e.InvokedArn, e.InvokeCount, (int)maxAge.TotalSeconds);
            await FinishAsync(e, DestinationRecord.EventAgeExceeded, settings, e.InvokeCount, null, ct);
            return;
        }

        var request = new InvokeRequest(e.Function, e.InvokedArn, e.RequestId, e.Payload, InvocationType.Event, false, e.ClientContext);
        InvokeResult result;
        using (var span = Diagnostics.InvokeTracing.StartEventRun(e.TraceParent, e.RequestId, e.InvokedArn, e.InvokeCount + 1))
        {
            try
            {
                result = await invoker.InvokeAsync(request, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                result = InvokeResult.Failed(new LambdaError(LambdaErrorType.Service, ex.Message));
            }
            Diagnostics.InvokeTracing.Completed(span, result.Error?.Type.ToString() ?? result.FunctionError);
        }
        var count = e.InvokeCount + 1;
        var now = time.GetUtcNow();
        if (result.Error is { } platform)
        {
            // Throttles and platform errors do not count against MaximumRetryAttempts (AWS retries them until the maximum age).
            var delay = Backoff(count, options.MaxPlatformRetryDelay);
            LogPlatformRetry(logger, e.RequestId, e.InvokedArn, platform.Type.ToString(), platform.Message, delay.TotalSeconds);
            await store.RescheduleAsync(e.Id, now + delay, e.Retries, count, ct);
            return;
        }
        if (result.FunctionError is null)
        {
            await FinishAsync(e, DestinationRecord.Success, settings, count, result, ct);
            return;
        }
        var retries = e.Retries + 1;
        if (retries > maxRetries)
        {
            LogRetriesExhausted(logger, e.RequestId, e.InvokedArn, count);
            await FinishAsync(e, DestinationRecord.RetriesExhausted, settings, count, result, ct);
            return;
        }
        var wait = Backoff(retries, TimeSpan.MaxValue);
        LogFunctionRetry(logger, e.RequestId, e.InvokedArn, retries, wait.TotalSeconds);
        await store.RescheduleAsync(e.Id, now + wait, retries, count, ct);
    }

    /// <summary>base · 2^(n-1), capped: AWS's one minute, then two.</summary>
    private TimeSpan Backoff(int attempt, TimeSpan cap)
    {
        var ticks = options.RetryBaseDelay.Ticks * Math.Pow(2, Math.Min(attempt - 1, 20));
        return ticks >= cap.Ticks ? cap : TimeSpan.FromTicks((long)ticks);
    }

    private async Task FinishAsync(AsyncEvent e, string condition, EventInvokeConfig? settings, int count, InvokeResult? last, CancellationToken ct)
    {
        var destination = Destinations.Target(settings?.DestinationConfigJson, condition == DestinationRecord.Success);
        if (destination is not null)
        {
            var target = api.ResolveAsyncTarget(destination);
            if (target.Error is { } error)
            {
                LogDestinationFailed(logger, e.RequestId, destination, error.Message);
            }
            else
            {
                var (config, qualifier) = target.Value;
                var record = DestinationRecord.Build(e, condition, count, last, time.GetUtcNow());
                var request = new InvokeRequest(config, destination, Guid.NewGuid().ToString(), record, InvocationType.Event, false, null);
                await queue.EnqueueAsync(request, qualifier, ct);
            }
        }
        await store.DeleteAsync(e.Id, ct);
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Async queue: {Count} events in flight at the last stop run again")]
    private static partial void LogReleased(ILogger logger, int count);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "Event {RequestId} of {Arn} dropped: older than MaximumEventAgeInSeconds {MaxAge} after {Attempts} attempts")]
    private static partial void LogAgeExceeded(ILogger logger, string requestId, string arn, int attempts, int maxAge);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Warning, Message = "Event {RequestId} of {Arn} failed after {Attempts} attempts: retries exhausted")]
    private static partial void LogRetriesExhausted(ILogger logger, string requestId, string arn, int attempts);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Information, Message = "Event {RequestId} of {Arn}: function error, retry {Retry} in {Seconds} s")]
    private static partial void LogFunctionRetry(ILogger logger, string requestId, string arn, int retry, double seconds);

    [LoggerMessage(EventId = 5105, Level = LogLevel.Information, Message = "Event {RequestId} of {Arn}: {Type} ({Message}), retry in {Seconds} s")]
    private static partial void LogPlatformRetry(ILogger logger, string requestId, string arn, string type, string message, double seconds);

    [LoggerMessage(EventId = 5106, Level = LogLevel.Warning, Message = "Event {RequestId}: destination {Destination} not invoked: {Message}")]
    private static partial void LogDestinationFailed(ILogger logger, string requestId, string destination, string message);

    [LoggerMessage(EventId = 5107, Level = LogLevel.Warning, Message = "Event {RequestId} dropped: function {Name} was deleted")]
    private static partial void LogFunctionGone(ILogger logger, string requestId, string name);

    [LoggerMessage(EventId = 5108, Level = LogLevel.Error, Message = "Event {RequestId} could not be processed; it runs again at the next start")]
    private static partial void LogRunFailed(ILogger logger, Exception exception, string requestId);
}
