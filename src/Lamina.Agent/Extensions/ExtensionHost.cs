using Lamina.Agent.Emulator;

namespace Lamina.Agent.Extensions;

/// <summary>
/// The extensions of one runtime lifetime: the external ones (executables in the extensions
/// directory, started before the runtime, sorted by name) and the registry every extension —
/// external or internal to the runtime process — registers with.
/// </summary>
internal sealed class ExtensionHost
{
    /// <summary>Time extensions get after SHUTDOWN before SIGKILL (Lambda: 2 000 ms minus the runtime's share).</summary>
    public static readonly TimeSpan ShutdownGrace = TimeSpan.FromMilliseconds(1700);

    private readonly List<RuntimeProcess> _processes;
    private readonly TaskCompletionSource<(string ErrorType, string Detail)> _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ExtensionHost(List<RuntimeProcess> processes) => _processes = processes;

    public ExtensionRegistry Registry { get; } = new();

    public TelemetryHub Telemetry { get; } = new();

    /// <summary>Completes (first report wins) when an extension posted /extension/init/error or /exit/error:
    /// the environment fails with Extension.InitError or Extension.ExitError and is re-initialised.</summary>
    public Task<(string ErrorType, string Detail)> Failed => _failed.Task;

    /// <summary>Records an extension's init or exit error report.</summary>
    public void ReportError(string name, bool exit, string reportedType) => _failed.TrySetResult((
        exit ? "Extension.ExitError" : "Extension.InitError",
        $"Extension {name} reported {(exit ? "an exit" : "an init")} error: {reportedType}"));

    /// <summary>An empty set: no runtime yet.</summary>
    public static ExtensionHost None { get; } = new([]);

    /// <summary>Starts every executable file in the extensions directory; failures are reported on stderr and skipped.</summary>
    public static ExtensionHost Start(EmulatorOptions options, string runtimeApi)
    {
        var processes = new List<RuntimeProcess>();
        if (Directory.Exists(options.ExtensionsDirectory))
        {
            foreach (var path in Directory.GetFiles(options.ExtensionsDirectory).Order(StringComparer.Ordinal))
            {
                if ((File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) == 0)
                {
                    continue;
                }
                var process = RuntimeProcess.Start([path], options, runtimeApi, out var error);
                if (process is null)
                {
                    AgentLog.Write(AgentLog.Error, $"extension {path} could not start (Extension.LaunchError): {error}");
                    continue;
                }
                processes.Add(process);
            }
        }
        return new ExtensionHost(processes);
    }

    /// <summary>Completes once as many extensions registered as were started, or one of them exited.</summary>
    public async Task WaitForRegistrationsAsync(CancellationToken cancellationToken)
    {
        while (Registry.Count < _processes.Count && !_processes.Any(p => p.Exited.IsCompleted))
        {
            await Task.Delay(2, cancellationToken);
        }
    }

    /// <summary>Sends SHUTDOWN, gives external extensions the grace period to exit, then kills the rest.</summary>
    public async Task ShutdownAsync(string reason)
    {
        Telemetry.Close();
        if (Registry.Count == 0 && _processes.Count == 0)
        {
            return;
        }
        Registry.PublishShutdown(reason, DateTimeOffset.UtcNow.Add(ShutdownGrace).ToUnixTimeMilliseconds());
        var exited = Task.WhenAll(_processes.Select(p => p.Exited));
        await Task.WhenAny(exited, Task.Delay(ShutdownGrace));
        foreach (var process in _processes)
        {
            await process.KillAsync();
        }
    }
}
