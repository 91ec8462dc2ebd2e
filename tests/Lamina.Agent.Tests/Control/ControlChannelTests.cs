using System.Net;
using System.Text;
using System.Text.Json;

namespace Lamina.Agent.Tests.Control;

/// <summary>The host's control channel: HTTP over a Unix socket (docs/agent-protocol.md).</summary>
public sealed class ControlChannelTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lamina-control-").FullName;

    private string SocketPath => Path.Combine(_dir, "control.sock");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Task<AgentProcess> StartAsync(IDictionary<string, string>? env = null, bool waitForListening = true) =>
        AgentProcess.StartAsync(
            [Tools.Python(), Path.Combine(AppContext.BaseDirectory, "fixtures", "runtime.py")],
            env,
            flags: ["--runtime-api-address", "127.0.0.1:0", "--control-socket", SocketPath],
            waitForListening: waitForListening);

    private HttpClient Control() => new(new SocketsHttpHandler
    {
        // The host's own connect (retries a momentarily full listen queue), compiled in from Lamina.Environments.
        ConnectCallback = (_, cancellationToken) => Lamina.Environments.UnixSocketConnector.ConnectAsync(SocketPath, cancellationToken),
    })
    { BaseAddress = new Uri("http://agent/"), Timeout = TimeSpan.FromMinutes(2) };

    [Fact]
    public async Task Host_checks_health_inits_eagerly_invokes_with_its_own_request_id_and_shuts_down()
    {
        await using var agent = await StartAsync();
        using var control = Control();

        using var health = await control.GetAsync(new Uri("lamina/v1/health", UriKind.Relative));
        using var init = await control.PostAsync(new Uri("lamina/v1/init", UriKind.Relative), null);
        using var initDoc = JsonDocument.Parse(await init.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("ready", initDoc.RootElement.GetProperty("status").GetString());
        Assert.True(initDoc.RootElement.GetProperty("initDurationMs").GetDouble() > 0);
        await agent.WaitForStdoutAsync(l => l.StartsWith("runtime init", StringComparison.Ordinal));

        using var request = new HttpRequestMessage(HttpMethod.Post, "2015-03-31/functions/function/invocations") { Content = new StringContent("""{"via":"control"}""", Encoding.UTF8) };
        request.Headers.Add("Lamina-Request-Id", "host-chosen-1");
        using var invoked = await control.SendAsync(request);
        Assert.Equal("""{"via":"control"}""", await invoked.Content.ReadAsStringAsync());
        Assert.Equal("host-chosen-1", invoked.Headers.GetValues("X-Amzn-RequestId").Single());
        Assert.Contains("Init Duration", await agent.WaitForStdoutAsync(l => l.StartsWith("REPORT RequestId: host-chosen-1\t", StringComparison.Ordinal)));

        using var shutdown = await control.PostAsync(new Uri("lamina/v1/shutdown", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, shutdown.StatusCode);
        Assert.Equal(0, await agent.WaitForExitAsync());
        Assert.False(File.Exists(SocketPath));
        // AWS shows no agent banner in a function's log: the emulator's readiness line is not printed here.
        Assert.DoesNotContain(agent.Stderr.Concat(agent.Stdout), l => l.Contains("listening", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bad_request_ids_are_refused_and_a_failing_init_is_reported_with_its_error()
    {
        await using var agent = await StartAsync(new Dictionary<string, string> { ["RUNTIME_INIT"] = "exit:7" });
        using var control = Control();

        using var request = new HttpRequestMessage(HttpMethod.Post, "2015-03-31/functions/function/invocations") { Content = new StringContent("{}") };
        request.Headers.Add("Lamina-Request-Id", "../../escape");
        using var refused = await control.SendAsync(request);
        using var init = await control.PostAsync(new Uri("lamina/v1/init", UriKind.Relative), null);
        using var doc = JsonDocument.Parse(await init.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("failed", doc.RootElement.GetProperty("status").GetString());
        Assert.Equal("Runtime.ExitError", doc.RootElement.GetProperty("error").GetProperty("errorType").GetString());
        Assert.EndsWith("exit status 7", doc.RootElement.GetProperty("error").GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_existing_path_is_never_deleted_and_the_agent_says_why_it_cannot_start()
    {
        await File.WriteAllTextAsync(SocketPath, "precious");

        await using var agent = await StartAsync(waitForListening: false);

        Assert.Equal(1, await agent.WaitForExitAsync());
        Assert.Equal("precious", await File.ReadAllTextAsync(SocketPath));
        Assert.Contains(agent.Stderr, l => l.Contains("already exists", StringComparison.Ordinal));
    }
}
