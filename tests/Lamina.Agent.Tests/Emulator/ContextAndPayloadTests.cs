using System.Net;
using System.Text;
using System.Text.Json;

namespace Lamina.Agent.Tests.Emulator;

/// <summary>What the runtime sees (headers, environment) and how payload limits are enforced.</summary>
public sealed class ContextAndPayloadTests
{
    [Fact]
    public async Task Runtime_sees_every_next_header_and_the_Lambda_environment_including_values_with_equals_signs()
    {
        var env = new Dictionary<string, string>
        {
            ["AWS_LAMBDA_FUNCTION_NAME"] = "my-func",
            ["AWS_LAMBDA_FUNCTION_TIMEOUT"] = "77",
            ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "256",
            ["WITH_EQUALS"] = "a=b==c",
        };
        await using var agent = await AgentProcess.StartPythonAsync(env);
        var clientContext = """{"client":{"installation_id":"i-1"},"custom":{"k":"v"},"env":{}}""";
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        using var response = await agent.InvokeAsync(
            """{"action":"context","env":["WITH_EQUALS","AWS_LAMBDA_RUNTIME_API","AWS_LAMBDA_FUNCTION_NAME","AWS_LAMBDA_FUNCTION_MEMORY_SIZE","AWS_LAMBDA_FUNCTION_VERSION","AWS_LAMBDA_LOG_GROUP_NAME","AWS_REGION","LAMBDA_TASK_ROOT"]}""",
            name: "whatever",
            headers: h =>
            {
                h.Add("X-Amz-Client-Context", Convert.ToBase64String(Encoding.UTF8.GetBytes(clientContext)));
                h.Add("X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");
            });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var headers = doc.RootElement.GetProperty("headers");
        var seen = doc.RootElement.GetProperty("env");
        Assert.Equal("arn:aws:lambda:us-east-1:012345678912:function:my-func", headers.GetProperty("Lambda-Runtime-Invoked-Function-Arn").GetString());
        Assert.Equal(response.Headers.GetValues("X-Amzn-RequestId").Single(), headers.GetProperty("Lambda-Runtime-Aws-Request-Id").GetString());
        Assert.Equal(clientContext, headers.GetProperty("Lambda-Runtime-Client-Context").GetString());
        Assert.Equal("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1", headers.GetProperty("Lambda-Runtime-Trace-Id").GetString());
        var deadline = long.Parse(headers.GetProperty("Lambda-Runtime-Deadline-Ms").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var remaining = deadline - doc.RootElement.GetProperty("now_ms").GetInt64();
        Assert.InRange(remaining, 1, 77_000);
        Assert.InRange(deadline, before + 1, before + 77_000 + 60_000);
        Assert.Equal("a=b==c", seen.GetProperty("WITH_EQUALS").GetString());
        Assert.Equal(agent.RuntimeApi, seen.GetProperty("AWS_LAMBDA_RUNTIME_API").GetString());
        Assert.Equal("my-func", seen.GetProperty("AWS_LAMBDA_FUNCTION_NAME").GetString());
        Assert.Equal("256", seen.GetProperty("AWS_LAMBDA_FUNCTION_MEMORY_SIZE").GetString());
        Assert.Equal("$LATEST", seen.GetProperty("AWS_LAMBDA_FUNCTION_VERSION").GetString());
        Assert.Equal("/aws/lambda/my-func", seen.GetProperty("AWS_LAMBDA_LOG_GROUP_NAME").GetString());
        Assert.Equal("us-east-1", seen.GetProperty("AWS_REGION").GetString());
        Assert.Equal("/var/task", seen.GetProperty("LAMBDA_TASK_ROOT").GetString());
        Assert.Contains("Memory Size: 256 MB", await agent.WaitForStdoutAsync(l => l.StartsWith("REPORT", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Trace_id_is_always_sent_even_when_the_caller_gives_none()
    {
        await using var agent = await AgentProcess.StartPythonAsync();

        using var response = await agent.InvokeAsync("""{"action":"context"}""");

        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.StartsWith("Root=1-", doc.RootElement.GetProperty("headers").GetProperty("Lambda-Runtime-Trace-Id").GetString(), StringComparison.Ordinal);
        Assert.False(doc.RootElement.GetProperty("headers").TryGetProperty("Lambda-Runtime-Client-Context", out _));
    }

    [Fact]
    public async Task Large_payloads_round_trip_and_oversized_ones_are_refused_with_413_on_both_sides()
    {
        await using var agent = await AgentProcess.StartPythonAsync();
        var large = "\"" + new string('y', 5 * 1024 * 1024) + "\"";

        using var echoed = await agent.InvokeAsync(large);
        using var justFits = await agent.InvokeAsync("""{"action":"big","size":6291556}""");
        using var tooBig = await agent.InvokeAsync("""{"action":"big","size":6291557}""");
        using var tooBigRequest = await agent.InvokeAsync("\"" + new string('z', 6 * 1024 * 1024) + "\"");
        using var after = await agent.InvokeAsync("""{"ok":1}""");

        Assert.Equal(large, await echoed.Content.ReadAsStringAsync());
        Assert.Equal(6291556, (await justFits.Content.ReadAsByteArrayAsync()).Length);
        Assert.Equal("Unhandled", tooBig.Headers.GetValues("X-Amz-Function-Error").Single());
        Assert.Equal("""{"errorMessage":"Response payload size exceeded maximum allowed payload size (6291556 bytes).","errorType":"Function.ResponseSizeTooLarge"}""", await tooBig.Content.ReadAsStringAsync());
        await agent.WaitForStdoutAsync(l => l.StartsWith("response posted 413", StringComparison.Ordinal) && l.Contains("RequestEntityTooLarge", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBigRequest.StatusCode);
        Assert.Equal("RequestTooLargeException", tooBigRequest.Headers.GetValues("X-Amzn-ErrorType").Single());
        Assert.Equal("""{"ok":1}""", await after.Content.ReadAsStringAsync());
    }
}
