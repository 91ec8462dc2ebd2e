using System.Diagnostics;
using System.Globalization;

namespace Lamina.Agent.Tests.Emulator;

/// <summary>Starting and stopping lamina-init itself.</summary>
public sealed class LifecycleTests
{
    [Fact]
    public async Task Sigterm_gives_the_runtime_its_own_SIGTERM_first_and_the_agent_exits_cleanly()
    {
        await using var agent = await AgentProcess.StartPythonAsync();
        (await agent.InvokeAsync("{}")).Dispose();

        using (var term = Process.Start("kill", ["-TERM", agent.Process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        Assert.Equal(0, await agent.WaitForExitAsync());
        Assert.Contains("runtime got SIGTERM", agent.Stdout);
    }

    [Theory]
    [InlineData("--no-such-flag", "x")]
    [InlineData("--runtime-api-address", "not-an-address")]
    public async Task Bad_command_lines_exit_2_with_the_reason_and_the_usage(string flag, string value)
    {
        await using var agent = await AgentProcess.StartAsync(["true"], flags: [flag, value], waitForListening: false);

        Assert.Equal(2, await agent.WaitForExitAsync());
        Assert.Contains(agent.Stderr, l => l.StartsWith("lamina-init: ", StringComparison.Ordinal) && !l.Contains("listening", StringComparison.Ordinal));
        Assert.Contains(agent.Stderr, l => l.StartsWith("usage: lamina-init", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_runtime_API_port_in_use_is_reported_with_exit_1()
    {
        using var blocker = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        blocker.Start();
        var port = ((System.Net.IPEndPoint)blocker.LocalEndpoint).Port;

        await using var agent = await AgentProcess.StartAsync(["true"], flags: ["--runtime-api-address", $"127.0.0.1:{port}", "--runtime-interface-emulator-address", "127.0.0.1:0"], waitForListening: false);

        Assert.Equal(1, await agent.WaitForExitAsync());
        Assert.Contains(agent.Stderr, l => l.StartsWith("lamina-init: cannot listen", StringComparison.Ordinal));
    }
}
