using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Lamina.Cli.Tests;

namespace Lamina.Seed.Tests.Fixtures;

/// <summary>
/// <c>lamina server --port 0 --data-dir DIR</c> as its own process, as a new user starts it: execution on through
/// <c>LAMINA__Execution__*</c> variables, the URL read from its "listening on" line, SIGTERM to stop it.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _url = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerProcess(Process process) => _process = process;

    /// <summary>The server's base URL (http://127.0.0.1:PORT).</summary>
    public string Endpoint { get; private set; } = "";

    /// <summary>Everything the server printed so far.</summary>
    public string Output { get { lock (_output) return _output.ToString(); } }

    public static async Task<ServerProcess> StartAsync(string dataDir, IReadOnlyDictionary<string, string> env)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { CliRunner.LaminaDll, "server", "--port", "0", "--data-dir", dataDir }) start.ArgumentList.Add(a);
        foreach (var (k, v) in env) start.Environment[k] = v;
        var server = new ServerProcess(Process.Start(start)!);
        DataReceivedEventHandler collect = (_, e) =>
        {
            if (e.Data is null) return;
            lock (server._output) server._output.AppendLine(e.Data);
            if (Listening().Match(e.Data) is { Success: true } m) server._url.TrySetResult(m.Groups[1].Value.TrimEnd('/'));
        };
        server._process.OutputDataReceived += collect;
        server._process.ErrorDataReceived += collect;
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        var done = await Task.WhenAny(server._url.Task, server._process.WaitForExitAsync(), Task.Delay(TimeSpan.FromMinutes(3)));
        Assert.True(done == server._url.Task, $"lamina server did not start (exited: {server._process.HasExited}): {server.Output}");
        server.Endpoint = await server._url.Task;
        return server;
    }

    /// <summary>SIGTERM and wait (graceful shutdown destroys the environments); a kill if it hangs.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("/bin/kill", ["-TERM", _process.Id.ToString()])) await kill.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            try { await _process.WaitForExitAsync(timeout.Token); }
            catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
        }
        _process.Dispose();
    }

    [GeneratedRegex(@"listening on (http://\S+)")]
    private static partial Regex Listening();
}
