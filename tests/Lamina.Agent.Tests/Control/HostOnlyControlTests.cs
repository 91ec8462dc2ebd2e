using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Lamina.Agent.Tests.Control;

/// <summary>
/// Only the host may use the control socket (docs/agent-protocol.md "Who may connect"): the agent admits a
/// peer whose SO_PEERCRED pid reads 0 — a process outside its pid namespace — and closes every other
/// connection before reading a byte. Proved with a real pid namespace (unshare, as runc makes one): the
/// test process is outside (admitted), a client entered into the namespace with nsenter is inside (refused).
/// </summary>
public sealed class HostOnlyControlTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lamina-hostonly-").FullName;

    private string SocketPath => Path.Combine(_dir, "control.sock");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string[] Runtime => [Tools.Python(), Path.Combine(AppContext.BaseDirectory, "fixtures", "runtime.py")];

    private string[] Flags => ["--runtime-api-address", "127.0.0.1:0", "--control-socket", SocketPath];

    private HttpClient Control() => new(new SocketsHttpHandler
    {
        ConnectCallback = (_, cancellationToken) => Lamina.Environments.UnixSocketConnector.ConnectAsync(SocketPath, cancellationToken),
    })
    { BaseAddress = new Uri("http://agent/"), Timeout = TimeSpan.FromMinutes(2) };

    [Fact]
    public async Task In_its_own_pid_namespace_the_agent_serves_the_host_and_refuses_a_process_of_the_sandbox()
    {
        // The agent is pid 1 of a new pid namespace, as in a runc sandbox: the gate is on without being asked for.
        await using var agent = await AgentProcess.StartAsync(Runtime, flags: Flags, executable: PidNamespace.AgentExecutable());
        var agentPid = await PidNamespace.ChildOfAsync(agent.Process.Id);
        using var control = Control();

        using var health = await control.GetAsync(new Uri("lamina/v1/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        // A process inside the namespace (what the function is) asks for a shutdown: the agent hangs up unanswered.
        var (exit, output) = await PidNamespace.CurlFromInsideAsync(agentPid, SocketPath, "lamina/v1/shutdown");
        Assert.True(PidNamespace.HungUpUnanswered(exit), $"curl from inside the pid namespace: exit {exit}: {output}");
        Assert.DoesNotContain("stopping", output, StringComparison.Ordinal);

        // The agent is still up and serves the host: init, an invoke, then the host's own shutdown.
        using var init = await control.PostAsync(new Uri("lamina/v1/init", UriKind.Relative), null);
        using var doc = JsonDocument.Parse(await init.Content.ReadAsStringAsync());
        Assert.Equal("ready", doc.RootElement.GetProperty("status").GetString());
        using var invoked = await control.PostAsync(new Uri("2015-03-31/functions/function/invocations", UriKind.Relative), new StringContent("""{"ok":1}"""));
        Assert.Equal("""{"ok":1}""", await invoked.Content.ReadAsStringAsync());
        Assert.Equal(1, await RefusalLinesAsync(agent));
        using var shutdown = await control.PostAsync(new Uri("lamina/v1/shutdown", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, shutdown.StatusCode);
        Assert.Equal(0, await agent.WaitForExitAsync());
    }

    [Fact]
    public async Task A_peer_inside_its_pid_namespace_is_closed_on_unanswered_and_logged_once_a_minute()
    {
        // Without a namespace of its own the agent sees the test process too: asked to be host-only, it refuses it.
        await using var agent = await AgentProcess.StartAsync(Runtime, new Dictionary<string, string> { ["LAMINA_CONTROL_HOST_ONLY"] = "1" }, flags: Flags);
        using var control = Control();

        for (var i = 0; i < 3; i++)
        {
            // The connection is accepted by the kernel, then closed by the agent before it reads the request.
            await Assert.ThrowsAsync<HttpRequestException>(() => control.PostAsync(new Uri("lamina/v1/shutdown", UriKind.Relative), null));
        }

        Assert.False(agent.Process.HasExited, "the agent obeyed a refused peer");
        Assert.Equal(1, await RefusalLinesAsync(agent));
        Assert.True(File.Exists(SocketPath));
    }

    /// <summary>How many refusal lines the agent wrote, once at least one arrived (stderr is read on another thread).</summary>
    private static async Task<int> RefusalLinesAsync(AgentProcess agent)
    {
        static bool Refusal(string l) => l.Contains("control socket: refused a connection from pid", StringComparison.Ordinal);
        var deadline = Stopwatch.StartNew();
        while (!agent.Stderr.Any(Refusal) && deadline.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(20);
        await Task.Delay(200); // room for a surplus line to show up
        return agent.Stderr.Count(Refusal);
    }
}
