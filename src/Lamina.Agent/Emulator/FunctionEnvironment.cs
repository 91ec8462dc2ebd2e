using System.Diagnostics;
using System.Globalization;
using Lamina.Agent.Extensions;
using Lamina.Agent.Runtime;

namespace Lamina.Agent.Emulator;

/// <summary>
/// One execution environment: at most one runtime process, started lazily by the first invoke
/// and again after it crashed or was killed. Invocations are served one at a time, as on Lambda.
/// <code>
/// Invoke ─► (no runtime?) Step 1 INIT: start process, wait for first /next ≤ init limit
///        ─► Step 2 INVOKE: deliver, wait for /response|/error, exit, or the deadline
///        ─► Step 3 on timeout or exit: kill, forget the runtime (re-init on the next invoke)
///        ─► Step 4 END and REPORT lines
/// </code>
/// </summary>
internal sealed class FunctionEnvironment(EmulatorOptions options, PlatformLog log, Func<string> runtimeApiAddress) : IAsyncDisposable
{
    /// <summary>Timeouts answer 408, not 5xx: AWS SDKs retry 5xx, which would re-run a timed-out function.</summary>
    public const int TimeoutStatus = 408;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile RuntimeChannel _channel = RuntimeChannel.CreateClosed();
    private RuntimeProcess? _runtime;
    private ExtensionHost _extensions = ExtensionHost.None;
    private double? _unreportedInitMs;
    private readonly CgroupMemory? _cgroup = options.MemoryFromCgroup ? CgroupMemory.ForSelf() : null;

    /// <summary>The channel of the current runtime process (the Runtime API serves this one).</summary>
    public RuntimeChannel Channel => _channel;

    /// <summary>The extensions of the current runtime lifetime (the Extensions and Telemetry APIs serve these).</summary>
    public ExtensionHost Extensions => _extensions;

    public async Task<InvokeOutcome> InvokeAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // Step 1
            var failed = await EnsureInitializedAsync(invocation.RequestId);
            if (failed is not null)
            {
                return failed;
            }
            var initMs = _unreportedInitMs;
            _unreportedInitMs = null;
            return await RunAsync(_runtime!, invocation, initMs);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Starts the runtime now unless one is ready (the control channel's eager init).</summary>
    /// <returns>Null when ready (with the init time, 0 if it was already warm), else the failure payload.</returns>
    public async Task<(InvokeOutcome? Failure, double InitMs)> InitializeAsync(string requestId)
    {
        await _gate.WaitAsync();
        try
        {
            var failed = await EnsureInitializedAsync(requestId);
            return (failed, _unreportedInitMs ?? 0);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<InvokeOutcome?> EnsureInitializedAsync(string requestId)
    {
        if (_runtime is { Exited.IsCompleted: true } || (_runtime is not null && _extensions.Failed.IsCompleted))
        {
            // The runtime died between invocations (e.g. killed by a signal), or an extension crashed or
            // reported an error while idle: start a fresh environment.
            await ForgetAsync("FAILURE");
        }
        if (_runtime is not null)
        {
            return null;
        }
        var initStart = Stopwatch.GetTimestamp();
        var failed = await InitAsync(requestId);
        if (failed is null)
        {
            // Reported as Init Duration on the first invoke's REPORT line, as on Lambda.
            _unreportedInitMs = Stopwatch.GetElapsedTime(initStart).TotalMilliseconds;
        }
        return failed;
    }

    private async Task<InvokeOutcome?> InitAsync(string requestId)
    {
        var channel = new RuntimeChannel();
        _channel = channel;
        var start = Stopwatch.GetTimestamp();
        using var stopLimit = new CancellationTokenSource(TimeSpan.FromSeconds(options.InitTimeoutSeconds));
        log.InitStart(options.FunctionName, options.FunctionVersion);
        // External extensions start first and register before the runtime starts, as on Lambda.
        var extensions = ExtensionHost.Start(options, runtimeApiAddress(), log, host => _extensions = host);
        extensions.Telemetry.InitStart(options.FunctionName, options.FunctionVersion);
        try
        {
            await extensions.WaitForRegistrationsAsync(stopLimit.Token);
        }
        catch (OperationCanceledException)
        {
            // The init limit ran out while extensions were registering: the runtime init below times out at once.
        }
        var telemetry = extensions.Telemetry;
        var runtime = RuntimeProcess.Start(options, runtimeApiAddress(), log, line => telemetry.Line("function", line), out var error);
        if (runtime is null)
        {
            channel.Close();
            await extensions.ShutdownAsync("FAILURE");
            return InvokeOutcome.Platform(RuntimeErrorTypes.InvalidEntrypoint, requestId, error!);
        }
        AgentLog.WriteLater(AgentLog.Debug, $"runtime started: pid {runtime.Id}, {options.Command[0]}");
        var ready = ReadyAsync(channel, extensions.Registry);
        await Task.WhenAny(ready, runtime.Exited, extensions.Failed, Task.Delay(Timeout.Infinite, stopLimit.Token));
        var initMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (extensions.Failed.IsCompleted)
        {
            // An extension reported /extension/init/error or /exit/error, or crashed: init fails with its Extension.* type.
            var (errorType, detail) = extensions.Failed.Result;
            extensions.Telemetry.InitDone("error", initMs, errorType);
            await extensions.ShutdownAsync("FAILURE");
            await runtime.KillAsync();
            channel.Close();
            runtime.DrainOutput();
            log.InitReport(initMs, "error", errorType);
            return InvokeOutcome.Platform(errorType, requestId, detail);
        }
        if (ready.IsCompletedSuccessfully && ready.Result)
        {
            AgentLog.WriteLater(AgentLog.Debug, string.Create(CultureInfo.InvariantCulture, $"init done in {initMs:F2} ms"));
            // What the runtime printed during init comes before the records of init's end and the first START line.
            runtime.DrainOutput();
            foreach (var (name, events) in extensions.Registry.Snapshot())
            {
                // AWS reports each extension that registered once init is over (state Ready).
                extensions.Telemetry.Extension(name, "Ready", events);
                log.Extension(name, "Ready", events);
            }
            extensions.Telemetry.InitDone("success", initMs);
            log.InitDone(initMs);
            _runtime = runtime;
            return null;
        }
        extensions.Telemetry.InitDone(runtime.Exited.IsCompleted || channel.Initialized.IsCompleted ? "error" : "timeout", initMs);
        await extensions.ShutdownAsync("FAILURE");
        if (channel.Initialized.IsCompletedSuccessfully && channel.Initialized.Result.Error is { } initError)
        {
            await runtime.KillAsync();
            channel.Close();
            runtime.DrainOutput();
            log.InitReport(initMs, "error", initError.ErrorType);
            return InvokeOutcome.Unhandled(initError.Body);
        }
        if (runtime.Exited.IsCompleted)
        {
            channel.Close();
            runtime.DrainOutput();
            log.InitReport(initMs, "error", RuntimeErrorTypes.ExitError);
            return InvokeOutcome.Platform(RuntimeErrorTypes.ExitError, requestId, ExitDetail(runtime.Exited.Result));
        }
        await runtime.KillAsync();
        channel.Close();
        runtime.DrainOutput();
        log.InitReport(initMs, "timeout");
        return InvokeOutcome.Platform(RuntimeErrorTypes.SandboxTimedout, requestId,
            string.Create(CultureInfo.InvariantCulture, $"Task timed out after {options.InitTimeoutSeconds:F2} seconds"), TimeoutStatus);
    }

    /// <summary>Init ends when the runtime called /next and every extension waits in /event/next.</summary>
    private static async Task<bool> ReadyAsync(RuntimeChannel channel, ExtensionRegistry extensions)
    {
        if ((await channel.Initialized).Kind != InitOutcomeKind.Ready)
        {
            return false;
        }
        await extensions.AllWaitingAsync();
        return true;
    }

    private async Task<InvokeOutcome> RunAsync(RuntimeProcess runtime, Invocation invocation, double? initMs)
    {
        // Step 2
        var id = invocation.RequestId;
        log.Start(id, options.FunctionVersion);
        _extensions.Telemetry.Start(id, options.FunctionVersion);
        var start = Stopwatch.GetTimestamp();
        invocation.DeadlineMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + options.TimeoutSeconds * 1000L;
        _extensions.Registry.PublishInvoke(invocation);
        _channel.Deliver(invocation);
        if (AgentLog.Enabled(AgentLog.Debug))
        {
            AgentLog.WriteLater(AgentLog.Debug, $"invoke {id} delivered (invocation id {invocation.InvocationId})");
        }
        using var deadline = new CancellationTokenSource();
        var timeout = Task.Delay(TimeSpan.FromSeconds(options.TimeoutSeconds), deadline.Token);
        await Task.WhenAny(invocation.Completion.Task, runtime.Exited, _extensions.Failed, timeout);
        var timedOut = timeout.IsCompleted && !timeout.IsCanceled && _channel.TimeOut();
        if (invocation.Completion.Task.IsCompleted && _extensions.Registry.Count > 0)
        {
            // The invoke phase ends when every extension is back in /event/next (bounded by the deadline).
            await Task.WhenAny(_extensions.Registry.AllWaitingAsync(), _extensions.Failed, timeout);
        }
        await deadline.CancelAsync();
        var durationMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        // The cgroup when the host asked for it and it is readable; else the runtime's process tree.
        var memoryMb = _cgroup?.PeakMegabytes() ?? runtime.MaxMemoryUsedMb();

        InvokeOutcome outcome;
        string? status = null;
        string? forgetReason = null;
        string? fault = null;
        if (invocation.Completion.Task.IsCompleted && !timedOut)
        {
            var result = invocation.Completion.Task.Result;
            outcome = result.IsError ? InvokeOutcome.Unhandled(result.Body) : InvokeOutcome.Success(result.Body);
        }
        else if (_extensions.Failed.IsCompleted && !timedOut)
        {
            // An extension reported /extension/exit/error mid-invoke: the invocation fails, the environment resets.
            await runtime.KillAsync();
            forgetReason = "FAILURE";
            status = "error";
            var (errorType, detail) = _extensions.Failed.Result;
            outcome = InvokeOutcome.Platform(errorType, id, detail);
        }
        else if (runtime.Exited.IsCompleted && !timedOut)
        {
            // Step 3: crashed mid-invoke.
            forgetReason = "FAILURE";
            status = "error";
            outcome = InvokeOutcome.Platform(RuntimeErrorTypes.ExitError, id, ExitDetail(runtime.Exited.Result));
            fault = $"RequestId: {id} Error: {ExitDetail(runtime.Exited.Result)}";
        }
        else
        {
            // Step 3: timed out.
            log.TimedOut(id, options.TimeoutSeconds);
            fault = string.Create(CultureInfo.InvariantCulture, $"RequestId: {id} Error: Task timed out after {options.TimeoutSeconds:F2} seconds");
            await runtime.KillAsync();
            forgetReason = "TIMEOUT";
            status = "timeout";
            outcome = InvokeOutcome.Platform(RuntimeErrorTypes.SandboxTimedout, id,
                string.Create(CultureInfo.InvariantCulture, $"Task timed out after {options.TimeoutSeconds:F2} seconds"), TimeoutStatus);
        }
        if (forgetReason is null && _extensions.Failed.IsCompleted)
        {
            // The answer stands, but an extension that reported an exit error is gone: start afresh next time.
            await runtime.KillAsync();
            forgetReason = "FAILURE";
        }
        // Step 4: what the runtime wrote before it answered goes to the log before END and REPORT.
        runtime.DrainOutput();
        var recordStatus = status ?? (outcome.FunctionError ? "error" : "success");
        if (fault is not null)
        {
            _extensions.Telemetry.Fault(fault);
            if (status != "timeout")
            {
                // A timeout's record was written with the timeout line above.
                log.Fault(fault);
            }
        }
        _extensions.Telemetry.InvokeDone(id, recordStatus, durationMs, options.MemorySizeMb, memoryMb, initMs);
        log.EndAndReport(id, durationMs, options.MemorySizeMb, memoryMb, initMs, status, recordStatus);
        if (forgetReason is not null)
        {
            // Re-init on the next invoke; extensions get SHUTDOWN (TIMEOUT or FAILURE) first.
            await ForgetAsync(forgetReason);
        }
        return outcome;
    }

    private async Task ForgetAsync(string shutdownReason)
    {
        _channel.Close();
        _runtime = null;
        await _extensions.ShutdownAsync(shutdownReason);
        _extensions = ExtensionHost.None;
    }

    /// <summary>Lambda's Runtime.ExitError detail: "Runtime exited with error: exit status 42".</summary>
    internal static string ExitDetail(int status) => "Runtime exited with error: " + ExitStatus(status);

    /// <summary>Go's wording, as Lambda prints it: "exit status 42" or "signal: killed".</summary>
    internal static string ExitStatus(int status) => status switch
    {
        > 128 and < 160 => "signal: " + SignalName(status - 128),
        _ => "exit status " + status.ToString(CultureInfo.InvariantCulture),
    };

    private static string SignalName(int signal) => signal switch
    {
        6 => "aborted",
        9 => "killed",
        11 => "segmentation fault",
        15 => "terminated",
        _ => "signal " + signal.ToString(CultureInfo.InvariantCulture),
    };

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        if (_runtime is { } runtime)
        {
            // Extensions get SHUTDOWN first so they can flush; the runtime is killed after them.
            // Lambda gives the runtime 300 ms after SIGTERM (500 ms with extensions) before SIGKILL.
            var stopping = runtime.StopAsync(TimeSpan.FromMilliseconds(_extensions.Registry.Count > 0 ? 500 : 300));
            await ForgetAsync("SPINDOWN");
            await stopping;
        }
        _gate.Release();
    }
}
