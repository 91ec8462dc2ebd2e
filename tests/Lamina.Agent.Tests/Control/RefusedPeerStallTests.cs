using System.Diagnostics;
using System.Net;

namespace Lamina.Agent.Tests.Control;

/// <summary>
/// A refused control-socket peer must never stall accepting. The refusal writes a line to the agent's stderr, and
/// that write blocks while the pipe is full (the host reads the log slowly, or the function floods it). The accept
/// loop runs on the socket engine's epoll thread (inline completions), which every socket of the agent shares: a
/// refusal handled there froze the whole agent until the pipe drained. Here the agent's stderr is a FIFO filled to
/// the last byte and never read; several processes of the sandbox are refused, and the host must still be served.
/// </summary>
public sealed class RefusedPeerStallTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lamina-refused-").FullName;

    private string SocketPath => Path.Combine(_dir, "control.sock");

    private string FifoPath => Path.Combine(_dir, "stderr.fifo");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Refused_peers_never_stall_the_host_even_while_the_agent_cannot_write_its_log()
    {
        var (mkfifo, mkfifoOutput) = await PidNamespace.RunAsync("/usr/bin/mkfifo", FifoPath);
        Assert.True(mkfifo == 0, $"mkfifo: {mkfifoOutput}");
        // Held open read-write for the whole test: the pipe (and what it holds) lives, and the agent's open of it
        // for writing does not wait for a reader.
        using var fifo = new FileStream(FifoPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
        await FillAsync(FifoPath);

        string[] runtime = [Tools.Python(), Path.Combine(AppContext.BaseDirectory, "fixtures", "runtime.py")];
        // sh puts the FIFO on fd 2 and execs unshare, whose child (pid 1 of the new namespace) is the agent.
        await using var agent = await AgentProcess.StartAsync(runtime,
            flags: ["--runtime-api-address", "127.0.0.1:0", "--control-socket", SocketPath],
            executable: ["/bin/sh", "-c", $"exec \"$@\" 2>>'{FifoPath}'", "sh", .. PidNamespace.AgentExecutable()]);
        var agentPid = await PidNamespace.ChildOfAsync(agent.Process.Id);
        Assert.Equal(HttpStatusCode.OK, await HealthAsync());

        // Several processes of the sandbox at once; the first refusal's log line blocks on the full pipe.
        var refused = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            PidNamespace.CurlFromInsideAsync(agentPid, SocketPath, "lamina/v1/shutdown", maxSeconds: 90)));
        foreach (var (exit, output) in refused)
        {
            // Closed unanswered; 28 would be curl's own timeout: the agent never got to close it.
            Assert.True(PidNamespace.HungUpUnanswered(exit), $"curl from inside the pid namespace: exit {exit}: {output}");
        }

        // The host still connects and is served, on fresh connections, while the log line is still stuck.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await HealthAsync());
        }
        Assert.False(agent.Process.HasExited, "the agent obeyed a refused peer");
    }

    /// <summary>GET /lamina/v1/health on a new connection (a new client each time), with a generous deadline.</summary>
    private async Task<HttpStatusCode> HealthAsync()
    {
        using var control = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = (_, cancellationToken) => Lamina.Environments.UnixSocketConnector.ConnectAsync(SocketPath, cancellationToken),
        })
        { BaseAddress = new Uri("http://agent/"), Timeout = TimeSpan.FromSeconds(90) };
        using var response = await control.GetAsync(new Uri("lamina/v1/health", UriKind.Relative));
        return response.StatusCode;
    }

    /// <summary>Fills the FIFO to the last byte: page-sized writes until the kernel refuses, then single bytes (a write
    /// of up to PIPE_BUF is all or nothing, so page-sized ones leave up to a page free).</summary>
    private static async Task FillAsync(string path)
    {
        const string script = """
            import errno, os, sys
            fd = os.open(sys.argv[1], os.O_WRONLY | os.O_NONBLOCK)
            total = 0
            for size in (4096, 1):
                while True:
                    try:
                        total += os.write(fd, b"x" * size)
                    except BlockingIOError:
                        break
            print(total)
            """;
        var (exit, output) = await PidNamespace.RunAsync(Tools.Python(), "-c", script, path);
        Assert.True(exit == 0 && long.Parse(output.Trim(), System.Globalization.CultureInfo.InvariantCulture) >= 4096, $"filling the FIFO: exit {exit}: {output}");
    }
}
