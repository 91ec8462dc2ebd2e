using System.Net;
using Lamina.RuntimeSupport.Tests.Fixtures;

namespace Lamina.RuntimeSupport.Tests.Emulator;

/// <summary>The samples' typed handler under the real lamina-init: JSON in and out, context values, logging.</summary>
public sealed class TypedHandlerTests
{
    [Theory]
    [InlineData("managed")]
    [InlineData("aot")]
    public async Task Typed_event_in_typed_result_out_with_the_invocations_context(string kind)
    {
        await using var agent = await Runtime.StartAsync(kind);
        var ids = new List<string>();
        foreach (var name in new[] { "Ada", "Grace" })
        {
            using var response = await agent.InvokeAsync($$"""{"name":"{{name}}"}""", headers: h =>
            {
                h.Add("X-Amz-Tenant-Id", "blue");
                h.Add("X-Amz-Client-Context", Convert.ToBase64String("""{"client":{"app_title":"Bench App"},"env":{},"custom":{}}"""u8));
            });
            var body = await Json.ReadAsync(response);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.False(response.Headers.Contains("X-Amz-Function-Error"), body.ToString());
            var requestId = response.Headers.GetValues("X-Amzn-RequestId").Single();
            Assert.Equal($"Hello, {name}!", body.Str("Greeting"));
            Assert.Equal(requestId, body.Str("RequestId"));
            Assert.Equal("greeter", body.Str("FunctionName"));
            Assert.Equal("$LATEST", body.Str("FunctionVersion"));
            Assert.Equal(256, body.GetProperty("MemoryLimitInMB").GetInt32());
            Assert.Contains(":function:greeter", body.Str("InvokedFunctionArn"), StringComparison.Ordinal);
            Assert.Equal("blue", body.Str("TenantId"));
            Assert.Equal("Bench App", body.Str("ClientAppTitle"));
            // The deadline is the function timeout (60 s) from the start of the invoke.
            var remaining = body.GetProperty("RemainingTimeMs").GetInt64();
            Assert.InRange(remaining, 1, 60_000);
            ids.Add(requestId);
        }
        Assert.NotEqual(ids[0], ids[1]);
        // Logger and Console output are one line each, tagged with the request id.
        var logged = await agent.WaitForStdoutAsync(l => l.EndsWith("\tgreeting Grace", StringComparison.Ordinal));
        Assert.Contains($"\t{ids[1]}\tinfo\t", logged, StringComparison.Ordinal);
        var console = await agent.WaitForStdoutAsync(l => l.EndsWith("\tconsole line for Ada", StringComparison.Ordinal));
        Assert.Contains($"\t{ids[0]}\tinfo\t", console, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("managed")]
    [InlineData("aot")]
    public async Task A_handler_exception_is_the_invocations_error_in_AWS_shape_and_the_runtime_serves_on(string kind)
    {
        await using var agent = await Runtime.StartAsync(kind);
        using var failed = await agent.InvokeAsync("""{"name":""}""");
        var error = await Json.ReadAsync(failed);
        Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
        Assert.Equal("Unhandled", failed.Headers.GetValues("X-Amz-Function-Error").Single());
        Assert.Equal("ArgumentException", error.Str("errorType"));
        Assert.StartsWith("name is required", error.Str("errorMessage"), StringComparison.Ordinal);
        Assert.True(error.GetProperty("stackTrace").GetArrayLength() > 0, error.ToString());

        using var ok = await agent.InvokeAsync("""{"name":"again"}""");
        Assert.Equal("Hello, again!", (await Json.ReadAsync(ok)).Str("Greeting"));
        // One runtime process served both: no second init.
        Assert.Equal(1, await agent.WaitForStdoutCountAsync(l => l.StartsWith("REPORT", StringComparison.Ordinal) && l.Contains("Init Duration", StringComparison.Ordinal), 1));
    }

    [Theory]
    [InlineData("managed", "ArgumentNullException")]
    [InlineData("aot", "ArgumentNullException")]
    [InlineData("managed", "JsonException")]
    public async Task A_bad_event_fails_that_invocation_only(string kind, string expected)
    {
        await using var agent = await Runtime.StartAsync(kind);
        // "null" deserialises to a null request (the handler refuses it); "{" is not JSON at all.
        using var failed = await agent.InvokeAsync(expected == "JsonException" ? "{" : "null");
        var error = await Json.ReadAsync(failed);
        Assert.Equal("Unhandled", failed.Headers.GetValues("X-Amz-Function-Error").Single());
        Assert.Equal(expected, error.Str("errorType"));
        using var ok = await agent.InvokeAsync("""{"name":"after"}""");
        Assert.Equal("Hello, after!", (await Json.ReadAsync(ok)).Str("Greeting"));
    }

    [Fact]
    public async Task Json_log_format_writes_one_JSON_object_per_record()
    {
        await using var agent = await Runtime.StartAsync("managed", env: new Dictionary<string, string> { ["AWS_LAMBDA_LOG_FORMAT"] = "JSON" });
        using var response = await agent.InvokeAsync("""{"name":"Json"}""");
        var requestId = response.Headers.GetValues("X-Amzn-RequestId").Single();
        var line = await agent.WaitForStdoutAsync(l => l.StartsWith('{') && l.Contains("greeting Json", StringComparison.Ordinal));
        var record = System.Text.Json.JsonDocument.Parse(line).RootElement;
        Assert.Equal("Information", record.Str("level"));
        Assert.Equal(requestId, record.Str("requestId"));
        Assert.Equal("greeting Json", record.Str("message"));
        Assert.True(DateTimeOffset.TryParse(record.Str("timestamp"), System.Globalization.CultureInfo.InvariantCulture, out _));
    }
}
