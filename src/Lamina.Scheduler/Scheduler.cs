using Lamina.Control.Domain;
using Lamina.Control.Invoke;
using Lamina.Control.Storage;
using Lamina.Environments;
using InvokeResult = Lamina.Control.Invoke.InvokeResult;
using Microsoft.Extensions.Logging;

namespace Lamina.Scheduler;

/// <summary>
/// Runs invocations on execution environments, one invoke per environment at a time (Lambda's model):
/// <code>
/// Step 1  admit: reserved concurrency (control.db), account limit → 429 with AWS's Reason
/// Step 2  take the most recently used idle environment of the exact (function, version, image digest,
///         config revision) pool; else start one, paid for from the function's scaling token bucket
///         and the memory budget (cold start: image from <see cref="ImageCache"/>, then EnvironmentFactory)
/// Step 3  invoke (thaw → agent → freeze); an environment that is Gone before the event reached it is
///         destroyed and the invoke retried once on a fresh one
/// Step 4  forward the environment's new log lines, record the invocation, put the environment back
///         (or destroy it when its pool is stale or it failed)
/// </code>
/// Pools, counters and buckets live under one lock held only for bookkeeping, never across I/O.
/// </summary>
public sealed partial class Scheduler : IFunctionInvoker, IFunctionRetirement, IFunctionActivation, IAsyncDisposable
{
    private readonly EnvironmentFactory _factory;
    private readonly ImageCache _images;
    private readonly ControlStore _store;
    private readonly IInvocationTelemetry _telemetry;
    private readonly TimeProvider _time;
    private readonly SchedulerSettings _settings;
    private readonly ILogger<Scheduler> _logger;

    public Scheduler(EnvironmentFactory factory, ImageCache images, ControlStore store, IInvocationTelemetry telemetry,
        TimeProvider time, SchedulerSettings settings, ILogger<Scheduler> logger)
    {
        _factory = factory;
        _images = images;
        _store = store;
        _telemetry = telemetry;
        _time = time;
        _settings = settings;
        _logger = logger;
    }

    /// <summary>Per-phase host-clock sums over successful invokes (bench/invoke reads them).</summary>
    public InvokePhases Phases { get; } = new();

    /// <summary>The sandbox manager environments run under (tests inspect it).</summary>
    public Lamina.Sandbox.SandboxManager Manager => _factory.Manager;

    /// <inheritdoc/>
    public Task<InvokeResult> InvokeAsync(InvokeRequest request, CancellationToken ct) => RunAsync(request, null, ct);

    /// <inheritdoc/>
    public Task<InvokeResult> InvokeStreamingAsync(InvokeRequest request, ResponsePieceWriter onPiece, CancellationToken ct) =>
        RunAsync(request, onPiece, ct);

    /// <summary>The pipeline above; with <paramref name="onPiece"/> the response streams through it (step 3).</summary>
    private async Task<InvokeResult> RunAsync(InvokeRequest request, ResponsePieceWriter? onPiece, CancellationToken ct)
    {
        var started = _time.GetUtcNow();
        var t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        var config = request.Function;
        if (config.ImageDigest is null)
            return Platform(request, started, $"Function {config.FunctionName} has no resolved image yet.");

        // Step 1 and 2 (bookkeeping only)
        // The API read it with the configuration (Reservation); otherwise from memory until control.db is written
        // again (PutFunctionConcurrency is a write, so it is seen at once).
        var reserved = request.Reservation is { } known ? known.Limit
            : _store.ReadCached(new ReservedKey(config.FunctionName), s => s.Function(config.FunctionName)?.ReservedConcurrency);
        var acquire = SchedulerTracing.StartAcquire();
        var lease = Admit(config, reserved);
        if (lease.Stopped || lease.Throttle is not null) SchedulerTracing.Acquired(acquire, false, null, lease.Throttle ?? "stopped");
        if (lease.Stopped) return Platform(request, started, "The server is shutting down.");
        if (lease.Throttle is { } reason)
        {
            Record(request, started, 0, null, InvocationOutcome.Throttled, reason, lease.Concurrent);
            return InvokeResult.Failed(new LambdaError(LambdaErrorType.TooManyRequests, "Rate Exceeded.", reason));
        }
        try
        {
            var environment = lease.Warm;
            for (var attempt = 0; ; attempt++)
            {
                // Step 2 (cold start)
                if (environment is null)
                {
                    acquire ??= SchedulerTracing.StartAcquire();
                    var (cold, failure) = await StartAsync(config, ct);
                    SchedulerTracing.Acquired(acquire, true, cold?.Environment.Sandbox.Id, failure?.Message);
                    if (failure is not null) return StartFailed(request, started, failure, lease.Concurrent);
                    environment = cold!;
                }
                else if (attempt == 0) SchedulerTracing.Acquired(acquire, false, environment.Environment.Sandbox.Id);
                acquire = null;

                // Step 3
                var t1 = System.Diagnostics.Stopwatch.GetTimestamp();
                (Lamina.Environments.InvokeResult? answer, EnvironmentError? error) outcome;
                try
                {
                    outcome = onPiece is null
                        ? await environment.Environment.InvokeAsync(request.Payload, request.RequestId, ct)
                        : await environment.Environment.InvokeStreamingAsync(request.Payload, request.RequestId, (p, t) => onPiece(p, t), ct);
                }
                catch (OperationCanceledException)
                {
                    // The caller went away before the environment was ours: it may be mid-invoke, so it goes.
                    Discard(environment);
                    throw;
                }
                var (answer, error) = outcome;
                var t2 = System.Diagnostics.Stopwatch.GetTimestamp();
                var lines = ForwardLog(environment);
                var t3 = System.Diagnostics.Stopwatch.GetTimestamp();
                if (answer is null)
                {
                    Discard(environment);
                    if (attempt == 0 && !error!.MayHaveRun && !ct.IsCancellationRequested)
                    {
                        LogRetry(_logger, request.RequestId, environment.Environment.Sandbox.Id, error.Message);
                        environment = null;
                        ReserveRetry(config);
                        continue;
                    }
                    return Platform(request, started, $"The execution environment failed: {error!.Message}", lease.Concurrent);
                }

                // Step 4
                var result = Complete(request, started, environment, answer, lines, lease.Concurrent);
                if (error is null) Release(environment);
                else Discard(environment);
                var t4 = System.Diagnostics.Stopwatch.GetTimestamp();
                Phases.Add(t1 - t0, t2 - t1, t3 - t2, t4 - t3);
                return result;
            }
        }
        finally
        {
            Leave(PoolKey.Of(config));
        }
    }

    /// <summary>Cache key of a function's reserved concurrency (<see cref="ControlStore.ReadCached{T}"/>).</summary>
    private sealed record ReservedKey(string FunctionName);

    [LoggerMessage(EventId = 5201, Level = LogLevel.Warning, Message = "Invoke {RequestId}: environment {Id} was gone before the event reached it ({Reason}); retrying on a new one")]
    private static partial void LogRetry(ILogger logger, string requestId, string id, string reason);
}
