using System.Net;
using Lamina.RuntimeSupport.Tests.Fixtures;

namespace Lamina.RuntimeSupport.Tests.Emulator;

/// <summary>A handler that outlives the function timeout: the agent kills the runtime; the next invoke re-inits it.</summary>
public sealed class TimeoutTests
{
    [Theory]
    [InlineData("managed")]
    [InlineData("aot")]
    public async Task A_timed_out_runtime_is_killed_and_the_next_invoke_starts_a_fresh_one(string kind)
    {
        await using var agent = await Runtime.StartAsync(kind, env: new Dictionary<string, string> { ["AWS_LAMBDA_FUNCTION_TIMEOUT"] = "2" });
        using var slow = await agent.InvokeAsync("""{"name":"slow","sleepMs":60000}""");
        var error = await Json.ReadAsync(slow);
        Assert.Equal(HttpStatusCode.RequestTimeout, slow.StatusCode);
        Assert.Equal("Sandbox.Timedout", error.Str("errorType"));

        using var next = await agent.InvokeAsync("""{"name":"fresh"}""");
        var body = await Json.ReadAsync(next);
        Assert.Equal("Hello, fresh!", body.Str("Greeting"));
        // Two inits: the first runtime, and the one started after the kill.
        Assert.Equal(2, await agent.WaitForStdoutCountAsync(l => l.StartsWith("REPORT", StringComparison.Ordinal) && l.Contains("Init Duration", StringComparison.Ordinal), 2));
    }
}
