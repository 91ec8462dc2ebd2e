using System.Diagnostics;
using System.Text.Json;
using Lamina.Images;
using Lamina.Sandbox;

namespace Lamina.Environments;

/// <summary>
/// Starts execution environments from pulled images: sandbox create and start, wait for lamina-init's
/// control socket (together: <see cref="PrepareAsync"/>, which can run ahead of demand), init the runtime
/// (<see cref="InitAsync"/>), then freeze until an invoke arrives.
/// </summary>
public sealed class EnvironmentFactory(SandboxManager manager, EnvironmentOptions options)
{
    // EnvironmentOptions.MaxConcurrentStarts: null when uncapped.
    private readonly SemaphoreSlim? _starts = options.MaxConcurrentStarts > 0 ? new(options.MaxConcurrentStarts) : null;
    private int _startsRunning, _peakStarts;

    /// <summary>The sandbox manager environments run under.</summary>
    public SandboxManager Manager => manager;

    /// <summary>Most runtime create/start calls seen running at once (tests check the cap).</summary>
    internal int PeakConcurrentStarts => Volatile.Read(ref _peakStarts);

    /// <summary>
    /// Starts one environment with id <paramref name="id"/> (the sandbox id rules: 1–64 of [a-z0-9-]): prepare
    /// (create, start, agent ready) then init. On any failure the sandbox is destroyed before the error is
    /// returned; on success the runtime is initialised and waiting, and the environment is frozen unless
    /// <paramref name="freeze"/> is false (a caller about to invoke it saves a freeze and a thaw).
    /// </summary>
    public Task<(ExecutionEnvironment? Environment, EnvironmentError? Error)> StartAsync(
        string id, PulledImage image, FunctionConfig function, CancellationToken cancellationToken = default) =>
        StartAsync(id, image, function, freeze: true, cancellationToken);

    /// <inheritdoc cref="StartAsync(string, PulledImage, FunctionConfig, CancellationToken)"/>
    public async Task<(ExecutionEnvironment? Environment, EnvironmentError? Error)> StartAsync(
        string id, PulledImage image, FunctionConfig function, bool freeze, CancellationToken cancellationToken = default)
    {
        // One span for the whole on-demand start, init inside it; spares made ahead of demand have none.
        using var span = EnvironmentTracing.Start("environment.create", id);
        var (prepared, error) = await PrepareAsync(id, image, function, SpareStage.AgentReady, freeze: false, cancellationToken);
        if (prepared is null) return (null, error);
        prepared.OnDemand = true;
        return await InitAsync(prepared, freeze, cancellationToken);
    }

    /// <summary>
    /// Makes a sandbox ahead of demand (see <see cref="PreparedSandbox"/>): runc create, and for
    /// <see cref="SpareStage.AgentReady"/> started in the same call (<see cref="SandboxManager.CreateAndStartAsync"/>:
    /// runc run --detach), wait for the agent, then freeze when <paramref name="freeze"/>.
    /// On failure nothing is left behind.
    /// </summary>
    public async Task<(PreparedSandbox? Prepared, EnvironmentError? Error)> PrepareAsync(string id, PulledImage image,
        FunctionConfig function, SpareStage stage = SpareStage.AgentReady, bool freeze = true, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(options.AgentBinary))
            return (null, new(EnvironmentErrorCode.InvalidConfiguration, $"Agent binary '{options.AgentBinary}' does not exist."));
        var request = SandboxRequestFactory.Build(id, image, function, options);

        var clock = Stopwatch.StartNew();
        // Started at once unless the spare is to wait created: runc then creates and starts in one process (run --detach).
        var created = await CappedAsync(() => stage == SpareStage.Created ? manager.CreateAsync(request) : manager.CreateAndStartAsync(request), cancellationToken);
        if (!created.Ok)
        {
            var code = created.Error!.Code == SandboxErrorCode.InvalidRequest ? EnvironmentErrorCode.InvalidConfiguration : EnvironmentErrorCode.SandboxFailed;
            return (null, new(code, created.Error.ToString()));
        }
        var sandbox = created.Value!;
        var createMs = Lap(clock);
        var control = new ControlClient(Path.Combine(sandbox.ControlDirectory, EnvironmentOptions.ControlSocketName));
        if (stage == SpareStage.Created) return (new PreparedSandbox(sandbox, control, function, createMs, 0, 0), null);
        try
        {
            var (startMs, readyMs, error) = await StartAgentAsync(sandbox, control, cancellationToken);
            if (error is not null) return (null, await Fail(sandbox, control, error));
            // A spare that cannot be frozen still works (thawed, the agent idle); one that exited does not.
            if (freeze && await manager.FreezeAsync(sandbox) is not null && sandbox.Exited.IsCompleted)
                return (null, await Fail(sandbox, control, new(EnvironmentErrorCode.SandboxFailed, "the sandbox exited right after its agent started")));
            return (new PreparedSandbox(sandbox, control, function, createMs, startMs, readyMs), null);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            return (null, await Fail(sandbox, control, new(EnvironmentErrorCode.AgentNotReady, e.Message)));
        }
    }

    /// <summary>
    /// The function's init phase on a prepared sandbox: start it (or thaw it), the agent ready, then
    /// POST /lamina/v1/init. Timings: create/start/ready as prepared plus what this call had to do, in
    /// <see cref="StartupTimings.OnPathMs"/>. On failure the sandbox is destroyed; a spare already taken is refused.
    /// </summary>
    public async Task<(ExecutionEnvironment? Environment, EnvironmentError? Error)> InitAsync(PreparedSandbox prepared,
        bool freeze = true, CancellationToken cancellationToken = default)
    {
        if (!prepared.TryTake()) return (null, new(EnvironmentErrorCode.Gone, $"Spare {prepared.Sandbox.Id} was already used."));
        var sandbox = prepared.Sandbox;
        var control = prepared.Control;
        var clock = Stopwatch.StartNew();
        try
        {
            var (startMs, readyMs) = (prepared.StartMs, prepared.ReadyMs);
            if (sandbox.State == SandboxState.Created)
            {
                (startMs, readyMs, var error) = await StartAgentAsync(sandbox, control, cancellationToken);
                if (error is not null) return (null, await Fail(sandbox, control, error));
            }
            else if (sandbox.State == SandboxState.Frozen && await manager.ThawAsync(sandbox) is { } thaw)
            {
                return (null, await Fail(sandbox, control, new(EnvironmentErrorCode.Gone, thaw.ToString())));
            }
            if (sandbox.Exited.IsCompleted)
                return (null, await Fail(sandbox, control, new(EnvironmentErrorCode.Gone, $"Spare {sandbox.Id} exited before it was used.")));
            var onPathMs = Lap(clock) + (prepared.OnDemand ? prepared.CreateMs + prepared.StartMs + prepared.ReadyMs : 0);

            string init;
            using (EnvironmentTracing.Start("environment.init", sandbox.Id)) init = await control.InitAsync(cancellationToken);
            var initMs = Lap(clock);
            if (InitFailure(init) is { } failure)
                return (null, await Fail(sandbox, control, new(EnvironmentErrorCode.InitFailed, failure)));
            // Init ran on the host's CPUs (CpuLimits.InitBoost); invokes run under the function's quota.
            if (await manager.EndInitCpuBoostAsync(sandbox) is { } quotaError)
                return (null, await Fail(sandbox, control, new(EnvironmentErrorCode.SandboxFailed, quotaError.ToString())));

            // A freeze that does not complete (a loaded host, a task stuck in the kernel) is undone by the
            // sandbox manager: the environment stays running, idle in /next, and is still good to invoke.
            if (freeze && await manager.FreezeAsync(sandbox) is not null && sandbox.Exited.IsCompleted)
                return (null, await Fail(sandbox, control, new(EnvironmentErrorCode.SandboxFailed, "the sandbox exited right after init")));
            return (new ExecutionEnvironment(manager, sandbox, control, prepared.Function, options,
                new StartupTimings(prepared.CreateMs, 0, startMs, readyMs, initMs) { OnPathMs = onPathMs }), null);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            return (null, await Fail(sandbox, control, new(EnvironmentErrorCode.AgentNotReady, e.Message)));
        }
    }

    /// <summary>Destroys a spare that will not be used; false when it was taken already (its environment owns it).</summary>
    public async Task<bool> DiscardAsync(PreparedSandbox prepared)
    {
        if (!prepared.TryTake()) return false;
        await Fail(prepared.Sandbox, prepared.Control, new(EnvironmentErrorCode.Gone, "discarded"));
        return true;
    }

    private async Task<(double StartMs, double ReadyMs, EnvironmentError? Error)> StartAgentAsync(SandboxHandle sandbox, ControlClient control, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        // A sandbox made by CreateAndStartAsync runs already (its start is in the create time).
        if (sandbox.State == SandboxState.Created && await CappedAsync(() => manager.StartAsync(sandbox), ct) is { } startError)
            return (0, 0, new(EnvironmentErrorCode.SandboxFailed, startError.ToString()));
        var startMs = Lap(clock);
        if (!await WaitReadyAsync(sandbox, control, ct))
            return (startMs, 0, new(EnvironmentErrorCode.AgentNotReady, sandbox.Exited.IsCompleted
                ? $"lamina-init exited before its control socket answered: {Tail(sandbox.StderrPath)}"
                : $"lamina-init did not answer on {control.SocketPath} within {options.ReadyTimeout.TotalSeconds:0} s: {Tail(sandbox.StderrPath)}"));
        // Before the runtime starts (at init): the function must not reach or replace the agent's socket.
        if (manager.SealControlDirectory(sandbox) is { } sealError)
            return (startMs, 0, new(EnvironmentErrorCode.SandboxFailed, sealError.ToString()));
        return (startMs, Lap(clock), null);
    }

    // Polls for the socket file first (cheap, no connect errors), then asks for health. 1 ms steps: the
    // agent is usually up within a few milliseconds of runc start, and this is the cold path.
    private async Task<bool> WaitReadyAsync(SandboxHandle sandbox, ControlClient control, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < options.ReadyTimeout)
        {
            if (sandbox.Exited.IsCompleted) return false;
            if (File.Exists(control.SocketPath) && await control.HealthyAsync(ct)) return true;
            await Task.Delay(1, ct);
        }
        return false;
    }

    private static string? InitFailure(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.TryGetProperty("status", out var s) && s.GetString() == "ready" ? null : json;
        }
        catch (JsonException)
        {
            return "init answered with invalid JSON: " + json;
        }
    }

    private async Task<EnvironmentError> Fail(SandboxHandle sandbox, ControlClient control, EnvironmentError error)
    {
        EnvironmentTracing.Fail(Activity.Current, error); // the environment.create or .init span
        control.Dispose();
        var log = Tail(sandbox.StderrPath);
        await manager.StopAsync(sandbox, TimeSpan.Zero);
        await manager.DestroyAsync(sandbox);
        return (log.Length == 0 || error.Message.Contains(log, StringComparison.Ordinal) ? error : error with { Message = error.Message + " | stderr: " + log });
    }

    private static string Tail(string path)
    {
        try
        {
            var text = File.ReadAllText(path).Trim();
            return text.Length > 2000 ? text[^2000..] : text;
        }
        catch (IOException)
        {
            return "";
        }
    }

    // One runtime call under the MaxConcurrentStarts cap. The wait is cancellable; the call itself is not (a
    // create or start cut short would leave a half-made sandbox).
    private async Task<T> CappedAsync<T>(Func<Task<T>> call, CancellationToken ct)
    {
        if (_starts is not null) await _starts.WaitAsync(ct);
        var running = Interlocked.Increment(ref _startsRunning);
        for (var peak = Volatile.Read(ref _peakStarts); running > peak; peak = Volatile.Read(ref _peakStarts))
            if (Interlocked.CompareExchange(ref _peakStarts, running, peak) == peak) break;
        try { return await call(); }
        finally
        {
            Interlocked.Decrement(ref _startsRunning);
            _starts?.Release();
        }
    }

    private static double Lap(Stopwatch clock)
    {
        var ms = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        return ms;
    }
}
