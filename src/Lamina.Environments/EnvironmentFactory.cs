using System.Diagnostics;
using System.Text.Json;
using Lamina.Images;
using Lamina.Sandbox;

namespace Lamina.Environments;

/// <summary>
/// Starts execution environments from pulled images: sandbox create and start, wait for lamina-init's
/// control socket, init the runtime ahead of the first invoke, then freeze until an invoke arrives.
/// </summary>
public sealed class EnvironmentFactory(SandboxManager manager, EnvironmentOptions options)
{
    /// <summary>The sandbox manager environments run under.</summary>
    public SandboxManager Manager => manager;

    /// <summary>
    /// Starts one environment with id <paramref name="id"/> (the sandbox id rules: 1–64 of [a-z0-9-]).
    /// On any failure the sandbox is destroyed before the error is returned; on success the environment is
    /// frozen, its runtime initialised and waiting.
    /// </summary>
    public async Task<(ExecutionEnvironment? Environment, EnvironmentError? Error)> StartAsync(
        string id, PulledImage image, FunctionConfig function, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(options.AgentBinary))
            return (null, new(EnvironmentErrorCode.InvalidConfiguration, $"Agent binary '{options.AgentBinary}' does not exist."));
        var request = SandboxRequestFactory.Build(id, image, function, options);

        using var span = EnvironmentTracing.Start("environment.create", id);
        var clock = Stopwatch.StartNew();
        var created = await manager.CreateAsync(request);
        if (!created.Ok)
        {
            var code = created.Error!.Code == SandboxErrorCode.InvalidRequest ? EnvironmentErrorCode.InvalidConfiguration : EnvironmentErrorCode.SandboxFailed;
            return (null, new(code, created.Error.ToString()));
        }
        var sandbox = created.Value!;
        var createMs = Lap(clock);
        var control = new ControlClient(Path.Combine(sandbox.ControlDirectory, EnvironmentOptions.ControlSocketName));
        try
        {
            if (await manager.StartAsync(sandbox) is { } startError)
                return await Fail(sandbox, control, new(EnvironmentErrorCode.SandboxFailed, startError.ToString()));
            var startMs = Lap(clock);

            if (!await WaitReadyAsync(sandbox, control, cancellationToken))
                return await Fail(sandbox, control, new(EnvironmentErrorCode.AgentNotReady, sandbox.Exited.IsCompleted
                    ? $"lamina-init exited before its control socket answered: {Tail(sandbox.StderrPath)}"
                    : $"lamina-init did not answer on {control.SocketPath} within {options.ReadyTimeout.TotalSeconds:0} s: {Tail(sandbox.StderrPath)}"));
            var readyMs = Lap(clock);

            string init;
            using (EnvironmentTracing.Start("environment.init", id)) init = await control.InitAsync(cancellationToken);
            var initMs = Lap(clock);
            if (InitFailure(init) is { } failure)
                return await Fail(sandbox, control, new(EnvironmentErrorCode.InitFailed, failure));

            // A freeze that does not complete (a loaded host, a task stuck in the kernel) is undone by the
            // sandbox manager: the environment stays running, idle in /next, and is still good to invoke.
            if (await manager.FreezeAsync(sandbox) is not null && sandbox.Exited.IsCompleted)
                return await Fail(sandbox, control, new(EnvironmentErrorCode.SandboxFailed, "the sandbox exited right after init"));
            return (new ExecutionEnvironment(manager, sandbox, control, function, options,
                new StartupTimings(createMs, 0, startMs, readyMs, initMs)), null);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            return await Fail(sandbox, control, new(EnvironmentErrorCode.AgentNotReady, e.Message));
        }
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

    private async Task<(ExecutionEnvironment?, EnvironmentError?)> Fail(SandboxHandle sandbox, ControlClient control, EnvironmentError error)
    {
        EnvironmentTracing.Fail(Activity.Current, error); // the environment.create span
        control.Dispose();
        var log = Tail(sandbox.StderrPath);
        await manager.StopAsync(sandbox, TimeSpan.Zero);
        await manager.DestroyAsync(sandbox);
        return (null, log.Length == 0 || error.Message.Contains(log, StringComparison.Ordinal) ? error : error with { Message = error.Message + " | stderr: " + log });
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

    private static double Lap(Stopwatch clock)
    {
        var ms = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        return ms;
    }
}
