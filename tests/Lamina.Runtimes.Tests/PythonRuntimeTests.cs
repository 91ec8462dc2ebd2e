using System.Net;
using System.Text.Json;
using Lamina.Runtimes.Tests.Fixtures;

namespace Lamina.Runtimes.Tests;

/// <summary>lamina/python:3.11 run like <c>docker run -p 9000:8080 IMAGE HANDLER</c>, with handlers written into /var/task.</summary>
[Collection(BuiltRuntimesCollection.Name)]
public sealed class PythonRuntimeTests
{
    private readonly BuiltRuntimes built;
    private readonly string rootfs;

    public PythonRuntimeTests(BuiltRuntimes built)
    {
        this.built = built;
        rootfs = built.Rootfs("python");
        var task = Path.Combine(rootfs, "var", "task");
        Directory.CreateDirectory(Path.Combine(task, "sub"));
        File.WriteAllText(Path.Combine(task, "hello.py"), """
            import logging
            logger = logging.getLogger()
            logger.setLevel(logging.INFO)

            def handler(event, context):
                print("hello from print")
                logger.info("logged %s", event["name"])
                return {"hello": event["name"], "requestId": context.aws_request_id, "function": context.function_name,
                        "memory": context.memory_limit_in_mb, "remaining": context.get_remaining_time_in_millis() > 0,
                        "arn": context.invoked_function_arn}
            """);
        File.WriteAllText(Path.Combine(task, "boom.py"), "def handler(event, context):\n    raise ValueError('bad input: ' + event['name'])\n");
        File.WriteAllText(Path.Combine(task, "syntax.py"), "def handler(event, context)\n    return 1\n");
        File.WriteAllText(Path.Combine(task, "sub", "nested.py"), "def handler(event, context):\n    return ['nested', event]\n");
    }

    private RunningImage Start(string handler) => RunningImage.Start(rootfs, built.Env("python"), handler);

    [Fact]
    public async Task HelloHandlerAnswersWithContextAndLogsWithTheRequestId()
    {
        await using var image = Start("hello.handler");
        var (status, body, error) = await image.InvokeAsync("""{"name":"lamina"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Null(error);
        using var json = JsonDocument.Parse(body);
        var r = json.RootElement;
        Assert.Equal("lamina", r.GetProperty("hello").GetString());
        Assert.Equal("function", r.GetProperty("function").GetString());
        Assert.Equal("3008", r.GetProperty("memory").GetString());
        Assert.True(r.GetProperty("remaining").GetBoolean());
        var requestId = r.GetProperty("requestId").GetString()!;
        Assert.True(Guid.TryParse(requestId, out _), requestId);
        var output = await image.WaitForOutputAsync($"REPORT RequestId: {requestId}");
        Assert.Contains("hello from print", output);
        Assert.Matches(@$"\[INFO\]\t\d{{4}}-\d\d-\d\dT[0-9:.]+Z\t{requestId}\tlogged lamina", output);
    }

    [Fact]
    public async Task NestedModulePathWorks()
    {
        await using var image = Start("sub/nested.handler");
        var (status, body, _) = await image.InvokeAsync("7");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""["nested", 7]""", body);
    }

    [Fact]
    public async Task RaisingHandlerAnswersAwsErrorShape()
    {
        await using var image = Start("boom.handler");
        var (status, body, error) = await image.InvokeAsync("""{"name":"x"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Unhandled", error);
        using var json = JsonDocument.Parse(body);
        var r = json.RootElement;
        Assert.Equal("ValueError", r.GetProperty("errorType").GetString());
        Assert.Equal("bad input: x", r.GetProperty("errorMessage").GetString());
        Assert.True(Guid.TryParse(r.GetProperty("requestId").GetString(), out _));
        Assert.Contains(r.GetProperty("stackTrace").EnumerateArray(), l => l.GetString()!.Contains("/var/task/boom.py", StringComparison.Ordinal));
        // The runtime survives a handler error: a second invoke is served by the same process.
        Assert.Equal("Unhandled", (await image.InvokeAsync("""{"name":"y"}""")).FunctionError);
    }

    [Theory]
    [InlineData("nothere.handler", "Runtime.ImportModuleError", "Unable to import module 'nothere': No module named 'nothere'")]
    [InlineData("hello.missing", "Runtime.HandlerNotFound", "Handler 'missing' missing on module 'hello'")]
    [InlineData("syntax.handler", "Runtime.UserCodeSyntaxError", "Syntax error in module 'syntax'")]
    [InlineData("nodot", "Runtime.MalformedHandlerName", "Bad handler 'nodot'")]
    public async Task InitErrorsAnswerAwsErrorTypes(string handler, string errorType, string message)
    {
        await using var image = Start(handler);
        var (_, body, error) = await image.InvokeAsync("{}");
        Assert.Equal("Unhandled", error);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(errorType, json.RootElement.GetProperty("errorType").GetString());
        Assert.StartsWith(message, json.RootElement.GetProperty("errorMessage").GetString());
    }
}
