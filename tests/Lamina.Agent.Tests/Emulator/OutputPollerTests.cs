using System.Net;

namespace Lamina.Agent.Tests.Emulator;

/// <summary>One poll thread reads every child pipe, and a log nobody reads never stalls the agent's sockets.</summary>
public sealed class OutputPollerTests
{
    [Fact]
    public async Task Every_pipe_of_every_environment_is_read_by_one_thread()
    {
        await using var agent = await AgentProcess.StartPythonAsync(new Dictionary<string, string> { ["AWS_LAMBDA_MAX_CONCURRENCY"] = "4" });
        var dir = Directory.CreateTempSubdirectory("lamina-poll-").FullName;
        try
        {
            // Two runtimes at once (each waits for the other): at least two environments, four pipes.
            var a = agent.InvokeAsync($$"""{"action":"rendezvous","dir":"{{dir}}","me":"a","other":"b"}""");
            var b = agent.InvokeAsync($$"""{"action":"rendezvous","dir":"{{dir}}","me":"b","other":"a"}""");
            using var first = await a;
            using var second = await b;
            Assert.Equal("\"met b\"", await first.Content.ReadAsStringAsync());
            Assert.Equal("\"met a\"", await second.Content.ReadAsStringAsync());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        var names = Directory.GetDirectories($"/proc/{agent.Process.Id}/task")
            .Select(t => File.ReadAllText(Path.Combine(t, "comm")).Trim())
            .ToList();
        Assert.Equal(1, names.Count(n => n == "lamina-output"));
        await agent.WaitForStdoutAsync(l => l.StartsWith("REPORT RequestId:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_stalled_log_reader_does_not_stall_invokes_and_loses_no_platform_line()
    {
        // Nobody reads the agent's stdout: the runtime flooding it blocks in its own write (and times out);
        // another environment still answers, and the platform lines come out once the log is read again.
        await using var agent = await AgentProcess.StartPythonAsync(new Dictionary<string, string>
        {
            ["AWS_LAMBDA_MAX_CONCURRENCY"] = "2",
            ["AWS_LAMBDA_FUNCTION_TIMEOUT"] = "3",
        }, readStdout: false);

        var flood = agent.InvokeAsync("""{"action":"flood","mb":64}""");
        // Give the flood time to fill the pipes; the invoke below must be answered regardless of where it is.
        await Task.Delay(500);
        using var echo = await agent.InvokeAsync("""{"quiet":true}""");
        Assert.Equal(HttpStatusCode.OK, echo.StatusCode);
        Assert.Equal("""{"quiet":true}""", await echo.Content.ReadAsStringAsync());
        var echoId = echo.Headers.GetValues("X-Amzn-RequestId").Single();

        using var flooded = await flood;
        Assert.Equal((HttpStatusCode)408, flooded.StatusCode);
        var floodId = flooded.Headers.GetValues("X-Amzn-RequestId").Single();
        Assert.Contains("Task timed out after 3.00 seconds", await flooded.Content.ReadAsStringAsync());

        agent.StartReadingStdout();
        await agent.WaitForStdoutAsync(l => l.StartsWith("REPORT RequestId: " + echoId, StringComparison.Ordinal));
        await agent.WaitForStdoutAsync(l => l.StartsWith("REPORT RequestId: " + floodId, StringComparison.Ordinal) && l.EndsWith("Status: timeout", StringComparison.Ordinal));
        Assert.Contains(agent.Stdout, l => l == "END RequestId: " + echoId);
    }
}
