using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Lamina.Control.Tests;

/// <summary><c>dotnet lamina.dll server</c> as a separate OS process that a test can SIGKILL.</summary>
public sealed partial class LaminaProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private LaminaProcess(Process process) => _process = process;

    public Uri BaseAddress { get; private set; } = null!;

    public string Log => string.Join('\n', _lines);

    /// <summary>Starts the server on a free port over <paramref name="dataDir"/> and waits until it listens.</summary>
    public static async Task<LaminaProcess> StartAsync(string dataDir)
    {
        var dll = typeof(LaminaProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "LaminaCliDll").Value!;
        Assert.True(File.Exists(dll), $"lamina.dll not found at {dll}: build tests/Lamina.Control.Tests (it builds src/Lamina.Cli)");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { dll, "server", "--port", "0", "--data-dir", dataDir }) start.ArgumentList.Add(a);
        start.Environment["DOTNET_NOLOGO"] = "1";
        var server = new LaminaProcess(new Process { StartInfo = start });
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(string? line)
        {
            if (line is null) return;
            server._lines.Enqueue(line);
            if (ListeningLine().Match(line) is { Success: true } m) listening.TrySetResult(new Uri(m.Groups[1].Value));
        }
        server._process.OutputDataReceived += (_, e) => OnLine(e.Data);
        server._process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        server._process.Start();
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        if (await Task.WhenAny(listening.Task, Task.Delay(TimeSpan.FromMinutes(2))) != listening.Task)
        {
            server.Dispose();
            throw new TimeoutException("lamina server did not report its address within 2 minutes:\n" + server.Log);
        }
        server.BaseAddress = await listening.Task;
        return server;
    }

    /// <summary>SIGKILL: no chance to flush or clean up.</summary>
    public void KillHard()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(TimeSpan.FromSeconds(30));
    }

    public void Dispose()
    {
        try
        {
            KillHard();
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }
        _process.Dispose();
    }

    [GeneratedRegex(@"listening on (http://[^\s/]+/?)")]
    private static partial Regex ListeningLine();
}
