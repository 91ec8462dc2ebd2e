using Lamina.Sandbox;

namespace Lamina.Environments;

/// <summary>
/// One running execution environment: a sandbox whose first process is lamina-init, driven over the
/// control socket. Frozen (cgroup freezer) whenever no invoke is in flight, as Lambda does; each invoke
/// thaws it, runs, and hands the answer back before the freeze: the freeze runs shortly after answering
/// (<see cref="EnvironmentOptions.FreezeDelay"/>, longer for an environment invoked at a steady rhythm, up to
/// <see cref="EnvironmentOptions.MaxFreezeDelay"/>), unless the next invoke has arrived by then (it then simply
/// runs on the thawed environment). One invoke at a time.
/// </summary>
public sealed partial class ExecutionEnvironment : IAsyncDisposable
{
    private readonly SandboxManager _manager;
    private readonly ControlClient _control;
    private readonly EnvironmentOptions _options;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _destroyed;
    private long _invokes;
    private Task _settled = Task.CompletedTask;
    private bool _mayReinitialise;
    private long _answeredAt;   // Stopwatch timestamp of the last answer, 0 before the first
    private TimeSpan _freezeDelay; // the delay the next answer's freeze waits (see NextFreezeDelay)

    internal ExecutionEnvironment(SandboxManager manager, SandboxHandle sandbox, ControlClient control,
        FunctionConfig function, EnvironmentOptions options, StartupTimings timings)
    {
        _manager = manager;
        Sandbox = sandbox;
        _control = control;
        Function = function;
        _options = options;
        Timings = timings;
        _freezeDelay = options.FreezeDelay;
    }

    /// <summary>The sandbox underneath (state, log paths, id).</summary>
    public SandboxHandle Sandbox { get; }

    /// <summary>The configuration it was started with.</summary>
    public FunctionConfig Function { get; }

    /// <summary>Cold start phases of this environment.</summary>
    public StartupTimings Timings { get; }

    /// <summary>
    /// Host-clock split of the most recent completed invoke, ms: thaw, the agent's answer, and the freeze that
    /// followed it (0 until that freeze has run: see <see cref="SettledAsync"/>; it stays 0 when the next invoke
    /// came first).
    /// </summary>
    public (double ThawMs, double InvokeMs, double FreezeMs) LastInvoke { get; private set; }

    /// <summary>Completes when the freeze scheduled after the last answer has run (or was skipped for a newer invoke).</summary>
    public Task SettledAsync() => Volatile.Read(ref _settled);

    /// <summary>
    /// Thaws, invokes, freezes. Function errors, timeouts (Sandbox.Timedout, 408) and runtime crashes
    /// (Runtime.ExitError) come back as the agent's answer; the agent re-initialises the runtime on the
    /// next invoke. An environment that cannot be thawed or has exited gives <see cref="EnvironmentErrorCode.Gone"/>.
    /// When the agent has not answered by the function's deadline plus <see cref="EnvironmentOptions.DeadlineGrace"/>,
    /// the host kills the sandbox and answers Sandbox.Timedout itself, together with Gone (the environment must be
    /// replaced). Without <paramref name="requestId"/> the host picks one.
    /// </summary>
    public Task<(InvokeResult? Result, EnvironmentError? Error)> InvokeAsync(ReadOnlyMemory<byte> payload,
        string? requestId = null, CancellationToken cancellationToken = default) =>
        RunAsync(payload, requestId ?? Guid.NewGuid().ToString(), null, cancellationToken);

    /// <summary>
    /// As <see cref="InvokeAsync"/> (the same path: thaw, deadline, freeze after answering, spans), but the response
    /// reaches <paramref name="onPiece"/> piece by piece as the runtime writes it (InvokeWithResponseStream); a
    /// buffered runtime's answer is one piece. The result's payload is then only the error body of a failed invoke.
    /// A failure of <paramref name="onPiece"/> (the caller went away) ends the invoke as a control channel failure.
    /// </summary>
    public Task<(InvokeResult? Result, EnvironmentError? Error)> InvokeStreamingAsync(ReadOnlyMemory<byte> payload,
        string? requestId, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> onPiece, CancellationToken cancellationToken = default) =>
        RunAsync(payload, requestId ?? Guid.NewGuid().ToString(), onPiece, cancellationToken);

    /// <summary>The one invoke path; <paramref name="onPiece"/> null asks the agent for the whole answer at once.</summary>
    private async Task<(InvokeResult? Result, EnvironmentError? Error)> RunAsync(ReadOnlyMemory<byte> payload, string requestId,
        Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask>? onPiece, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        var answered = false;
        try
        {
            var generation = ++_invokes; // a freeze scheduled after an earlier answer must not run under this one
            _freezeDelay = NextFreezeDelay(_answeredAt == 0 ? null : System.Diagnostics.Stopwatch.GetElapsedTime(_answeredAt),
                _options.FreezeDelay, _options.MaxFreezeDelay);
            if (_destroyed || Sandbox.Exited.IsCompleted)
                return (null, new(EnvironmentErrorCode.Gone, $"Environment {Sandbox.Id} is not running."));
            using var span = EnvironmentTracing.Start("environment.invoke", Sandbox.Id);
            span?.SetTag("lamina.invoke.streamed", onPiece is not null);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            if (Sandbox.State == SandboxState.Frozen && await _manager.ThawAsync(Sandbox) is { } thaw)
                return (null, EnvironmentTracing.Fail(span, new(EnvironmentErrorCode.Gone, thaw.ToString())));
            var thawMs = clock.Elapsed.TotalMilliseconds;
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(HostDeadline());
            InvokeResult result;
            try
            {
                using var agent = EnvironmentTracing.Start("agent.invoke", Sandbox.Id, System.Diagnostics.ActivityKind.Client);
                agent?.SetTag("faas.invocation_id", requestId);
                result = onPiece is null
                    ? await _control.InvokeAsync(Function.FunctionName, payload, requestId, deadline.Token)
                    : await _control.InvokeStreamingAsync(Function.FunctionName, payload, requestId, onPiece, deadline.Token);
            }
            // The deadline's cancellation tears down the control connection, and a read under way may then fail as an
            // IOException or HttpRequestException rather than an OperationCanceledException: any of the three after the
            // host's deadline is the deadline (the Hostile fork-bomb test once got "Control channel failed" here).
            catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException
                && deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                var (timedOut, killed) = await DeadlinePassedAsync(requestId);
                EnvironmentTracing.Fail(span, killed);
                return (timedOut, killed);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
            {
                return (null, EnvironmentTracing.Fail(span,
                    new(EnvironmentErrorCode.Gone, $"Control channel of {Sandbox.Id} failed: {e.Message}") { MayHaveRun = true }));
            }
            // After a crash, a timeout or a platform error the agent starts a fresh runtime inside the next invoke.
            _mayReinitialise = result.StatusCode != 200 || result.FunctionError is not null;
            result = WithOutOfMemory(result, requestId);
            LastInvoke = (thawMs, clock.Elapsed.TotalMilliseconds - thawMs, 0);
            // The answer goes back now; the freeze follows off the caller's path, holding the gate so no
            // invoke overlaps it. The runtime is already waiting in /next, so running a little longer thawed
            // bills nothing and changes nothing it could observe.
            answered = true;
            _answeredAt = System.Diagnostics.Stopwatch.GetTimestamp();
            Volatile.Write(ref _settled, FreezeAfterAnswerAsync(generation, _freezeDelay));
            return (result, null);
        }
        finally
        {
            if (!answered) _gate.Release();
        }
    }

    /// <summary>Asks the agent to shut down, stops the sandbox (grace, then kill) and destroys it.</summary>
    public async Task<SandboxError?> DestroyAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_destroyed) return null;
            _destroyed = true;
            if (Sandbox.State == SandboxState.Frozen) await _manager.ThawAsync(Sandbox);
            using (var cts = new CancellationTokenSource(_options.StopGrace))
                await _control.ShutdownAsync(cts.Token);
            _control.Dispose();
            await _manager.StopAsync(Sandbox, _options.StopGrace);
            return await _manager.DestroyAsync(Sandbox);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await DestroyAsync();
}
