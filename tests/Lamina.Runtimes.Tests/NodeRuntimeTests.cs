using System.Net;
using System.Text.Json;
using Lamina.Runtimes.Tests.Fixtures;

namespace Lamina.Runtimes.Tests;

/// <summary>lamina/nodejs run like <c>docker run</c>: CommonJS, ES module, callback, streaming and failing handlers.</summary>
[Collection(BuiltRuntimesCollection.Name)]
public sealed class NodeRuntimeTests
{
    private readonly BuiltRuntimes built;
    private readonly string rootfs;

    public NodeRuntimeTests(BuiltRuntimes built)
    {
        this.built = built;
        rootfs = built.Rootfs("nodejs");
        var task = Path.Combine(rootfs, "var", "task");
        File.WriteAllText(Path.Combine(task, "cjs.js"), """
            exports.handler = async (event, context) => {
              console.log('cjs got', event.name);
              return { kind: 'cjs', name: event.name, requestId: context.awsRequestId, remaining: context.getRemainingTimeInMillis() > 0 };
            };
            """);
        File.WriteAllText(Path.Combine(task, "esm.mjs"), """
            import { basename } from 'node:path';
            export const handler = async (event) => ({ kind: 'esm', file: basename(import.meta.url), name: event.name });
            """);
        File.WriteAllText(Path.Combine(task, "callback.js"), """
            exports.handler = (event, context, callback) => { setTimeout(() => callback(null, { kind: 'callback', name: event.name }), 10); };
            """);
        File.WriteAllText(Path.Combine(task, "fail.js"), """
            exports.handler = async () => { throw new TypeError('nope'); };
            """);
        File.WriteAllText(Path.Combine(task, "stream.mjs"), """
            export const handler = awslambda.streamifyResponse(async (event, responseStream) => {
              responseStream.setContentType('text/plain');
              for (const part of ['one ', 'two ', 'three']) responseStream.write(part);
              responseStream.end();
            });
            """);
    }

    private RunningImage Start(string handler) => RunningImage.Start(rootfs, built.Env("nodejs"), handler);

    private static async Task<JsonElement> OkJsonAsync(RunningImage image, string payload)
    {
        var (status, body, error) = await image.InvokeAsync(payload);
        Assert.True(status == HttpStatusCode.OK && error is null, $"{status} {error} {body}\n{image.Output}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [Fact]
    public async Task CommonJsAsyncHandlerGetsTheContextAndLogsWithTheRequestId()
    {
        await using var image = Start("cjs.handler");
        var r = await OkJsonAsync(image, """{"name":"a"}""");
        Assert.Equal("cjs", r.GetProperty("kind").GetString());
        Assert.True(r.GetProperty("remaining").GetBoolean());
        var requestId = r.GetProperty("requestId").GetString()!;
        var output = await image.WaitForOutputAsync($"REPORT RequestId: {requestId}");
        Assert.Matches($@"\t{requestId}\tINFO\tcjs got a", output);
    }

    [Fact]
    public async Task EsModuleHandlerLoads()
    {
        await using var image = Start("esm.handler");
        var r = await OkJsonAsync(image, """{"name":"b"}""");
        Assert.Equal("esm", r.GetProperty("kind").GetString());
        Assert.Equal("esm.mjs", r.GetProperty("file").GetString());
    }

    [Fact]
    public async Task CallbackHandlerAnswersThroughTheCallback()
    {
        await using var image = Start("callback.handler");
        Assert.Equal("c", (await OkJsonAsync(image, """{"name":"c"}""")).GetProperty("name").GetString());
    }

    [Fact]
    public async Task StreamingHandlerBodyArrives()
    {
        await using var image = Start("stream.handler");
        var (status, body, error) = await image.InvokeAsync("{}");
        Assert.True(status == HttpStatusCode.OK && error is null, $"{status} {error} {body}\n{image.Output}");
        Assert.Equal("one two three", body);
    }

    [Fact]
    public async Task ThrowingHandlerAnswersNodeErrorShape()
    {
        await using var image = Start("fail.handler");
        var (_, body, error) = await image.InvokeAsync("{}");
        Assert.Equal("Unhandled", error);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("TypeError", json.RootElement.GetProperty("errorType").GetString());
        Assert.Equal("nope", json.RootElement.GetProperty("errorMessage").GetString());
        Assert.Contains(json.RootElement.GetProperty("trace").EnumerateArray(), l => l.GetString()!.Contains("/var/task/fail.js", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("nothere.handler", "Runtime.ImportModuleError")]
    [InlineData("cjs.missing", "Runtime.HandlerNotFound")]
    [InlineData("nodot", "Runtime.MalformedHandlerName")]
    public async Task InitErrorsAnswerAwsErrorTypes(string handler, string errorType)
    {
        await using var image = Start(handler);
        var (_, body, error) = await image.InvokeAsync("{}");
        Assert.Equal("Unhandled", error);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(errorType, json.RootElement.GetProperty("errorType").GetString());
    }
}
