using System.Globalization;
using Lamina.Agent.Emulator;

namespace Lamina.Agent.Extensions;

/// <summary>
/// The extensions of one runtime lifetime: the external ones (executables in the extensions
/// directory, started before the runtime, sorted by name) and the registry every extension —
/// external or internal to the runtime process — registers with. An external extension that exits
/// before SHUTDOWN fails the environment with Extension.Crash, as on Lambda.
/// </summary>
internal sealed class ExtensionHost
{
    /// <summary>Time extensions get after SHUTDOWN before SIGKILL (Lambda: 2 000 ms minus the runtime's share).</summary>
    public static readonly TimeSpan ShutdownGrace = TimeSpan.FromMilliseconds(1700);

    /// <summary>How long SHUTDOWN waits for queued telemetry to reach the subscribers.</summary>
    private static readonly TimeSpan FlushGrace = TimeSpan.FromMilliseconds(500);

    private readonly List<RuntimeProcess> _processes = [];
    private readonly TaskCompletionSource<(string ErrorType, string Detail)> _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _stopping;

    private ExtensionHost()
    {
    }

    public ExtensionRegistry Registry { get; } = new();

    public TelemetryHub Telemetry { get; } = new();

    /// <summary>Completes (first report wins) when an extension posted /extension/init/error or /exit/error, or an
    /// external extension exited before SHUTDOWN: the environment fails with Extension.InitError, Extension.ExitError
    /// or Extension.Crash and is re-initialised.</summary>
    public Task<(string ErrorType, string Detail)> Failed => _failed.Task;

    /// <summary>Records an extension's init or exit error report.</summary>
    public void ReportError(string name, bool exit, string reportedType) => _failed.TrySetResult((
        exit ? "Extension.ExitError" : "Extension.InitError",
        $"Extension {name} reported {(exit ? "an exit" : "an init")} error: {reportedType}"));

    /// <summary>An empty set: no runtime yet.</summary>
    public static ExtensionHost None { get; } = new();

    /// <summary>Starts every executable file in the extensions directory; failures are reported on stderr and skipped.
    /// Their output goes to <paramref name="log"/> and, as "extension" records, to the Telemetry API.
    /// <paramref name="publish"/> receives the host before the first process starts: an extension may register
    /// as soon as it runs, and its request must reach this host, not the previous lifetime's.</summary>
    public static ExtensionHost Start(EmulatorOptions options, string runtimeApi, PlatformLog log, Action<ExtensionHost> publish)
    {
        var host = new ExtensionHost();
        publish(host);
        if (!Directory.Exists(options.ExtensionsDirectory))
        {
            return host;
        }
        foreach (var path in Directory.GetFiles(options.ExtensionsDirectory).Order(StringComparer.Ordinal))
        {
            if ((File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) == 0)
            {
                continue;
            }
            var telemetry = host.Telemetry;
            var process = RuntimeProcess.Start([path], options, runtimeApi, log, line => telemetry.Line("extension", line), out var error);
            if (process is null)
            {
                AgentLog.Write(AgentLog.Error, $"extension {path} could not start (Extension.LaunchError): {error}");
                continue;
            }
            host._processes.Add(process);
            _ = host.WatchForCrashAsync(Path.GetFileName(path), process);
        }
        return host;
    }

    private async Task WatchForCrashAsync(string name, RuntimeProcess process)
    {
        var status = await process.Exited;
        if (!_stopping)
        {
            AgentLog.Write(AgentLog.Warn, $"extension {name} exited before SHUTDOWN (status {status.ToString(CultureInfo.InvariantCulture)}): Extension.Crash");
            _failed.TrySetResult(("Extension.Crash", $"Extension {name} exited with error: {FunctionEnvironment.ExitStatus(status)}"));
        }
    }

    /// <summary>Completes once as many extensions registered as were started, or one of them exited.</summary>
    public async Task WaitForRegistrationsAsync(CancellationToken cancellationToken)
    {
        while (Registry.Count < _processes.Count && !_processes.Any(p => p.Exited.IsCompleted))
        {
            await Task.Delay(2, cancellationToken);
        }
    }

    /// <summary>Sends SHUTDOWN, gives external extensions the grace period to exit, then SIGKILLs the rest.</summary>
    public async Task ShutdownAsync(string reason)
    {
        _stopping = true;
        if (Registry.Count == 0 && _processes.Count == 0)
        {
            Telemetry.Close();
            return;
        }
        // What the last invoke produced goes out before SHUTDOWN: extensions commonly exit on it. Bounded, so a
        // listener that does not answer cannot hold up the shutdown.
        await Task.WhenAny(Telemetry.FlushAsync(), Task.Delay(FlushGrace));
        Registry.PublishShutdown(reason, DateTimeOffset.UtcNow.Add(ShutdownGrace).ToUnixTimeMilliseconds());
        var exited = Task.WhenAll(_processes.Select(p => p.Exited));
        await Task.WhenAny(exited, Task.Delay(ShutdownGrace));
        foreach (var process in _processes)
        {
            await process.KillAsync();
        }
        // After the extensions had their chance to receive what was queued (and to log their goodbyes).
        Telemetry.Close();
    }
}
