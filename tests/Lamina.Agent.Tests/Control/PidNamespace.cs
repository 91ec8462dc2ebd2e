using System.Diagnostics;
using System.Globalization;

namespace Lamina.Agent.Tests.Control;

/// <summary>
/// The agent as pid 1 of a new pid namespace (unshare, as runc makes one), and processes entered into it with
/// nsenter: the test process is outside (the host), an entered process is inside (what the function is).
/// </summary>
internal static class PidNamespace
{
    /// <summary>The program and leading arguments that run the agent as pid 1 of a new pid namespace.</summary>
    public static string[] AgentExecutable()
    {
        var native = Environment.GetEnvironmentVariable("LAMINA_INIT_BINARY");
        string[] agent = string.IsNullOrEmpty(native)
            ? [AgentProcess.DotnetHost(), Path.Combine(AppContext.BaseDirectory, "lamina-init.dll")]
            : [native];
        return ["/usr/bin/unshare", "--pid", "--fork", "--kill-child", .. agent];
    }

    /// <summary>The one child of <paramref name="pid"/> (unshare's, the agent), polled until it exists.</summary>
    public static async Task<int> ChildOfAsync(int pid)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            var children = (await File.ReadAllTextAsync($"/proc/{pid}/task/{pid}/children")).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (children.Length > 0) return int.Parse(children[0], CultureInfo.InvariantCulture);
            await Task.Delay(20);
        }
        throw new TimeoutException($"unshare (pid {pid}) started no child");
    }

    /// <summary>curl, entered into <paramref name="agentPid"/>'s pid namespace, POSTs <paramref name="path"/> to the
    /// control socket: its exit code and output (see <see cref="HungUpUnanswered"/>).</summary>
    public static Task<(int Exit, string Output)> CurlFromInsideAsync(int agentPid, string socketPath, string path, int maxSeconds = 60) =>
        RunAsync("/usr/bin/nsenter", "--target", agentPid.ToString(CultureInfo.InvariantCulture), "--pid", "--",
            "/usr/bin/curl", "-sS", "--max-time", maxSeconds.ToString(CultureInfo.InvariantCulture), "--unix-socket", socketPath, "-X", "POST", "http://agent/" + path);

    /// <summary>True for curl's exit codes of a connection the server closed before answering, however far curl got:
    /// 7 (closed before curl saw the connection up), 55 (sending failed), 56 (reset while receiving), 52 (empty
    /// reply). Not 0 (answered) nor 28 (curl's own timeout: nobody closed it).</summary>
    public static bool HungUpUnanswered(int curlExit) => curlExit is 7 or 52 or 55 or 56;

    public static async Task<(int Exit, string Output)> RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await stdout + await stderr);
    }
}
