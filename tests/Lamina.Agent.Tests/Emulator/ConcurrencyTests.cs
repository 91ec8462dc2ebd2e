using System.Net;

namespace Lamina.Agent.Tests.Emulator;

/// <summary>AWS_LAMBDA_MAX_CONCURRENCY: several runtime processes serve concurrent invokes.</summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Concurrent_invokes_run_in_separate_runtime_processes_and_warm_ones_are_reused()
    {
        await using var agent = await AgentProcess.StartPythonAsync(new Dictionary<string, string> { ["AWS_LAMBDA_MAX_CONCURRENCY"] = "3" });

        // Two invokes that each wait until the other has started: only possible with two runtimes.
        var barrier = Path.Combine(Path.GetTempPath(), "lamina-agent-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(barrier);
        try
        {
            var a = agent.InvokeAsync($$"""{"action":"rendezvous","dir":"{{barrier}}","me":"a","other":"b"}""");
            var b = agent.InvokeAsync($$"""{"action":"rendezvous","dir":"{{barrier}}","me":"b","other":"a"}""");
            using var ra = await a;
            using var rb = await b;
            using var third = await agent.InvokeAsync("""{"after":1}""");

            Assert.Equal(HttpStatusCode.OK, ra.StatusCode);
            Assert.Equal(HttpStatusCode.OK, rb.StatusCode);
            Assert.Equal("\"met b\"", await ra.Content.ReadAsStringAsync());
            Assert.Equal("\"met a\"", await rb.Content.ReadAsStringAsync());
            Assert.Equal("""{"after":1}""", await third.Content.ReadAsStringAsync());
            await agent.WaitForStdoutCountAsync(l => l.StartsWith("process ", StringComparison.Ordinal), 3);
            var pids = agent.Stdout.Where(l => l.StartsWith("process ", StringComparison.Ordinal)).Select(l => l.Split(' ')[1]).ToList();
            Assert.Equal(3, pids.Count);
            Assert.Equal(2, pids.Distinct().Count());
            var inits = await agent.WaitForStdoutCountAsync(l => l.StartsWith("runtime init", StringComparison.Ordinal), 2);
            Assert.True(inits == 2, $"{inits} runtime init lines; stdout:\n{string.Join('\n', agent.Stdout)}");
        }
        finally
        {
            Directory.Delete(barrier, recursive: true);
        }
    }
}
