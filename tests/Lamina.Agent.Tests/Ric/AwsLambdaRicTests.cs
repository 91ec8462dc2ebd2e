using System.Net;
using System.Text;
using System.Text.Json;

namespace Lamina.Agent.Tests.Ric;

/// <summary>AWS's own Node.js runtime interface client (npm aws-lambda-ric) against lamina-init.</summary>
public sealed class AwsLambdaRicTests
{
    [Fact]
    public async Task Success_two_in_a_row_and_the_handler_log_passes_through()
    {
        await using var agent = await NodeRic.StartAgentAsync();

        using var first = await agent.InvokeAsync("""{"hello":"world"}""");
        using var second = await agent.InvokeAsync("""{"action":"log"}""");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("""{"hello":"world"}""", await first.Content.ReadAsStringAsync());
        Assert.Equal("\"logged\"", await second.Content.ReadAsStringAsync());
        var id = second.Headers.GetValues("X-Amzn-RequestId").Single();
        await agent.WaitForStdoutAsync(l => l.Contains($"{id}\tINFO\thello from the handler", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Handler_throw_returns_the_exception_body_as_an_unhandled_function_error()
    {
        await using var agent = await NodeRic.StartAgentAsync();

        using var response = await agent.InvokeAsync("""{"action":"throw"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Unhandled", response.Headers.GetValues("X-Amz-Function-Error").Single());
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("TypeError", doc.RootElement.GetProperty("errorType").GetString());
        Assert.Equal("boom from handler", doc.RootElement.GetProperty("errorMessage").GetString());
        Assert.True(doc.RootElement.GetProperty("trace").GetArrayLength() > 0);
    }

    [Fact]
    public async Task Timeout_gives_the_exact_message_and_the_runtime_is_re_inited()
    {
        await using var agent = await NodeRic.StartAgentAsync(new Dictionary<string, string> { ["AWS_LAMBDA_FUNCTION_TIMEOUT"] = "2" });

        using var timedOut = await agent.InvokeAsync("""{"action":"sleep","ms":60000}""");
        using var after = await agent.InvokeAsync("""{"again":true}""");

        var id = timedOut.Headers.GetValues("X-Amzn-RequestId").Single();
        Assert.Equal(HttpStatusCode.RequestTimeout, timedOut.StatusCode);
        Assert.Equal($$"""{"errorMessage":"RequestId: {{id}} Error: Task timed out after 2.00 seconds","errorType":"Sandbox.Timedout"}""", await timedOut.Content.ReadAsStringAsync());
        Assert.Equal("""{"again":true}""", await after.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Context_fields_function_arn_remaining_time_and_client_context()
    {
        await using var agent = await NodeRic.StartAgentAsync(new Dictionary<string, string>
        {
            ["AWS_LAMBDA_FUNCTION_NAME"] = "ric-func",
            ["AWS_LAMBDA_FUNCTION_TIMEOUT"] = "30",
            ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "512",
            ["WITH_EQUALS"] = "k=v=w",
        });

        using var response = await agent.InvokeAsync("""{"action":"context"}""", headers: h =>
            h.Add("X-Amz-Client-Context", Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"custom":{"tenant":"t1"},"env":{"platform":"test"}}"""))));

        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = doc.RootElement;
        Assert.Equal("ric-func", root.GetProperty("functionName").GetString());
        Assert.Equal("$LATEST", root.GetProperty("functionVersion").GetString());
        Assert.Equal("arn:aws:lambda:us-east-1:012345678912:function:ric-func", root.GetProperty("invokedFunctionArn").GetString());
        Assert.Equal("512", root.GetProperty("memoryLimitInMB").GetString());
        Assert.Equal(response.Headers.GetValues("X-Amzn-RequestId").Single(), root.GetProperty("awsRequestId").GetString());
        Assert.Equal("/aws/lambda/ric-func", root.GetProperty("logGroupName").GetString());
        Assert.InRange(root.GetProperty("remainingMs").GetInt64(), 1, 30_000);
        Assert.Equal("t1", root.GetProperty("clientContext").GetProperty("custom").GetProperty("tenant").GetString());
        Assert.StartsWith("Root=1-", root.GetProperty("traceId").GetString(), StringComparison.Ordinal);
        Assert.Equal("k=v=w", root.GetProperty("withEquals").GetString());
    }

    [Fact]
    public async Task Large_payload_round_trips_and_an_oversized_response_fails_cleanly()
    {
        await using var agent = await NodeRic.StartAgentAsync();
        var large = "\"" + new string('q', 5 * 1024 * 1024) + "\"";

        using var echoed = await agent.InvokeAsync(large);
        using var tooBig = await agent.InvokeAsync("""{"action":"big","size":7000000}""");
        using var after = await agent.InvokeAsync("""{"after":1}""");

        Assert.Equal(large, await echoed.Content.ReadAsStringAsync());
        Assert.Equal("Unhandled", tooBig.Headers.GetValues("X-Amz-Function-Error").Single());
        Assert.Contains("Function.ResponseSizeTooLarge", await tooBig.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("""{"after":1}""", await after.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Streaming_handler_response_and_mid_stream_error_arrive_through_the_agent()
    {
        await using var agent = await NodeRic.StartAgentAsync(handler: "app.stream");

        using var streamed = await agent.InvokeAsync("{}");
        using var broken = await agent.InvokeAsync("""{"action":"throw"}""");

        Assert.Equal("streamed from node", await streamed.Content.ReadAsStringAsync());
        Assert.False(streamed.Headers.Contains("X-Amz-Function-Error"));
        Assert.Equal("Unhandled", broken.Headers.GetValues("X-Amz-Function-Error").Single());
        using var doc = JsonDocument.Parse(await broken.Content.ReadAsStringAsync());
        Assert.Equal("stream broke", doc.RootElement.GetProperty("errorMessage").GetString());
    }
}
