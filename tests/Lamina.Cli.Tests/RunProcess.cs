using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Lamina.Cli.Tests;

/// <summary>
/// A <c>lamina run</c> process in the background, as a user starts it in a terminal: its output is collected,
/// <see cref="WaitReadyAsync"/> waits for the "invoke with" line, <see cref="TerminateAsync"/> sends SIGTERM.
/// </summary>
public sealed partial class RunProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RunProcess(Process process) => _process = process;

    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }
    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }
    public bool HasExited => _process.HasExited;

    /// <summary>The host directory and cgroup parent the run reported (for the leftover checks).</summary>
    public (string DataDirectory, string CgroupParent) Host
    {
        get
        {
            var m = HostLine().Match(Stderr);
            Assert.True(m.Success, "no host line in stderr: " + Stderr);
            return (m.Groups[1].Value, m.Groups[2].Value);
        }
    }

    /// <summary>
    /// Starts lamina with <paramref name="args"/>. <paramref name="ownProcessGroup"/>: under setsid, as a terminal's
    /// foreground job, so a signal to the group (Ctrl-C) reaches everything lamina started in it.
    /// </summary>
    public static Task<RunProcess> StartAsync(IEnumerable<string> args, bool ownProcessGroup = false)
    {
        var start = new ProcessStartInfo(ownProcessGroup ? "/usr/bin/env" : "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        if (ownProcessGroup)
        {
            // A terminal's foreground job has SIGINT at its default. The test host may not: a test run started in
            // the background by a non-interactive shell (`.ci/run &`) ignores SIGINT, every child inherits that,
            // and .NET then (rightly, as any Unix program) leaves Ctrl-C ignored — the lamina run never stopped.
            start.ArgumentList.Add("--default-signal=INT");
            start.ArgumentList.Add("/usr/bin/setsid");
            start.ArgumentList.Add("dotnet");
        }
        start.ArgumentList.Add(CliRunner.LaminaDll);
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var name in new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "LAMINA_INIT_BINARY" }) start.Environment.Remove(name);
        var run = new RunProcess(Process.Start(start)!);
        run._process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (run._stdout) run._stdout.AppendLine(e.Data); };
        run._process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (run._stderr) run._stderr.AppendLine(e.Data);
            if (e.Data.Contains("invoke with:", StringComparison.Ordinal)) run._ready.TrySetResult();
        };
        run._process.BeginOutputReadLine();
        run._process.BeginErrorReadLine();
        return Task.FromResult(run);
    }

    /// <summary>Waits until the environment is up and the port listens; fails with the output if the process exits first.</summary>
    public async Task WaitReadyAsync()
    {
        var exited = _process.WaitForExitAsync();
        var done = await Task.WhenAny(_ready.Task, exited, Task.Delay(TimeSpan.FromMinutes(4)));
        Assert.True(done == _ready.Task, $"lamina run did not become ready (exited: {_process.HasExited})\nstdout: {Stdout}\nstderr: {Stderr}");
    }

    /// <summary>Waits for the process to end (up to 4 minutes) and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"lamina run did not exit within 4 minutes\nstdout: {Stdout}\nstderr: {Stderr}\nprocesses: {ProcessTree()}");
        }
        return _process.ExitCode;
    }

    /// <summary>SIGTERM, as systemd or `docker stop` would send, then waits for the exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        using (var kill = Process.Start("/bin/kill", ["-TERM", _process.Id.ToString()])) await kill.WaitForExitAsync();
        return await WaitForExitAsync();
    }

    /// <summary>SIGINT to the whole process group, as Ctrl-C in a terminal does (needs ownProcessGroup), then the exit code.</summary>
    public async Task<int> InterruptGroupAsync()
    {
        using (var kill = Process.Start("/bin/kill", ["-INT", "--", "-" + _process.Id])) await kill.WaitForExitAsync();
        return await WaitForExitAsync();
    }

    /// <summary>Every process on the host with its state and wait channel, to see what a stuck shutdown waits on.</summary>
    private static string ProcessTree()
    {
        using var ps = Process.Start(new ProcessStartInfo("/bin/ps", ["-eo", "pid,ppid,pgid,stat,wchan:24,args"]) { RedirectStandardOutput = true })!;
        var text = ps.StandardOutput.ReadToEnd();
        ps.WaitForExit();
        return string.Join('\n', text.Split('\n').Where(l => l.Contains("lamina", StringComparison.Ordinal) || l.Contains("runc", StringComparison.Ordinal)));
    }

    /// <summary>A TCP port that was free a moment ago on 127.0.0.1.</summary>
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await TerminateAsync();
        }
        _process.Dispose();
    }

    [GeneratedRegex(@"host state: (\S+) cgroup (\S+)")]
    private static partial Regex HostLine();
}
