using System.Buffers.Binary;
using System.Net;
using System.Text;
using System.Text.Json;
using Lamina.Control.Api;
using Lamina.Control.Urls;

namespace Lamina.Control.Tests;

/// <summary>
/// InvokeWithResponseStream and function URLs against a real server with the echo test invoker (no sandboxes):
/// the event stream encoding, refusals as ordinary errors, and bad input on the URL endpoint. The end-to-end
/// proofs with real environments are tests/Lamina.Scheduler.Tests (StreamingTests, FunctionUrlTests).
/// </summary>
public sealed class StreamAndUrlEdgeTests
{
    private const string Role = "arn:aws:iam::123456789012:role/lambda-role";

    [Fact]
    public void The_event_stream_crc_and_framing_follow_the_spec()
    {
        Assert.Equal(0xCBF43926u, EventStreamMessage.Crc32("123456789"u8)); // the CRC-32 check value
        var message = EventStreamMessage.Event("PayloadChunk", "application/octet-stream", "abc"u8);
        Assert.Equal(message.Length, BinaryPrimitives.ReadInt32BigEndian(message));
        var headers = BinaryPrimitives.ReadInt32BigEndian(message.AsSpan(4));
        Assert.Equal(EventStreamMessage.Crc32(message.AsSpan(0, 8)), BinaryPrimitives.ReadUInt32BigEndian(message.AsSpan(8)));
        Assert.Equal("abc", Encoding.UTF8.GetString(message.AsSpan(12 + headers, 3)));
        Assert.Equal(EventStreamMessage.Crc32(message.AsSpan(0, message.Length - 4)), BinaryPrimitives.ReadUInt32BigEndian(message.AsSpan(message.Length - 4)));
        Assert.Contains(":event-type", Encoding.UTF8.GetString(message.AsSpan(12, headers)), StringComparison.Ordinal);
    }

    [Fact]
    public void Function_answers_are_interpreted_as_payload_format_2()
    {
        var plain = UrlResponse.Interpret("""{"hello":1}"""u8.ToArray());
        Assert.Equal((200, """{"hello":1}"""), (plain.Status, Encoding.UTF8.GetString(plain.Body)));
        var text = UrlResponse.Interpret("not json"u8.ToArray());
        Assert.Equal((200, "not json"), (text.Status, Encoding.UTF8.GetString(text.Body)));
        var structured = UrlResponse.Interpret("""{"statusCode":404,"headers":{"a":"b","n":3},"cookies":["x=1"],"body":"gone"}"""u8.ToArray());
        Assert.Equal(404, structured.Status);
        Assert.Contains(new KeyValuePair<string, string>("n", "3"), structured.Headers);
        Assert.Contains(new KeyValuePair<string, string>("Set-Cookie", "x=1"), structured.Headers);
        Assert.Contains(new KeyValuePair<string, string>("Content-Type", "application/json"), structured.Headers);
        var badBase64 = UrlResponse.Interpret("""{"statusCode":200,"body":"%%%","isBase64Encoded":true}"""u8.ToArray());
        Assert.Equal(502, badBase64.Status);
        var outOfRange = UrlResponse.Interpret("""{"statusCode":99}"""u8.ToArray());
        Assert.Equal(200, outOfRange.Status); // not a valid status: the whole answer is the body
    }

    [Fact]
    public async Task Streams_refuse_like_invoke_urls_refuse_bad_input_and_a_buffered_invoker_streams_one_chunk()
    {
        await using var t = await ControlTestHost.StartAsync();
        var image = $"{t.Authority}/fn/app:v1";
        await t.PushImageAsync("fn/app", "v1", "one");
        var created = await t.LambdaAsync(false, "create-function", "--function-name", "edge", "--package-type", "Image", "--code", $"ImageUri={image}", "--role", Role);
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.True((await t.LambdaAsync(false, "wait", "function-active-v2", "--function-name", "edge")).ExitCode == 0);
        var creds = t.Host.Credentials;
        async Task<ToolRunner.Result> Signed(string method, string path, string body, params string[] headers) =>
            await ToolRunner.RunAsync("/usr/bin/curl", ["-sS", "-i", "-X", method, "--aws-sigv4", $"aws:amz:{creds.Region}:lambda",
                "--user", $"{creds.AccessKeyId}:{creds.SecretAccessKey}", .. headers.SelectMany(h => new[] { "-H", h }), "--data-binary", body, t.Endpoint + path],
                new Dictionary<string, string>());

        // Refusals before the stream are ordinary errors, never an event stream.
        var missing = await Signed("POST", "/2021-11-15/functions/nope/response-streaming-invocations", "{}");
        Assert.Contains("HTTP/1.1 404", missing.Stdout, StringComparison.Ordinal);
        Assert.Contains("ResourceNotFoundException", missing.Stdout, StringComparison.Ordinal);
        var eventType = await Signed("POST", "/2021-11-15/functions/edge/response-streaming-invocations", "{}", "X-Amz-Invocation-Type: Event");
        Assert.Contains("ValidationException", eventType.Stdout, StringComparison.Ordinal);
        var notJson = await Signed("POST", "/2021-11-15/functions/edge/response-streaming-invocations", "{oops");
        Assert.Contains("InvalidRequestContentException", notJson.Stdout, StringComparison.Ordinal);

        // An invoker without streaming support (the default method) answers as one chunk, then InvokeComplete.
        using var http = new HttpClient();
        var ok = await Signed("POST", "/2021-11-15/functions/edge/response-streaming-invocations", """{"k":1}""");
        Assert.Contains("application/vnd.amazon.eventstream", ok.Stdout, StringComparison.Ordinal);
        Assert.Contains("PayloadChunk", ok.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"event\":{\"k\":1}", ok.Stdout, StringComparison.Ordinal);
        Assert.Contains("InvokeComplete", ok.Stdout, StringComparison.Ordinal);
        var failed = await Signed("POST", "/2021-11-15/functions/edge/response-streaming-invocations", """{"fail":1}""");
        Assert.Contains("\"ErrorCode\":\"Unhandled\"", failed.Stdout, StringComparison.Ordinal);

        // URLs: an unknown id, an oversized body, a function error; nothing was created by the refusals.
        var url = JsonDocument.Parse((await t.LambdaAsync(false, "create-function-url-config", "--function-name", "edge", "--auth-type", "NONE")).Stdout)
            .RootElement.GetProperty("FunctionUrl").GetString()!;
        using (var unknown = await http.GetAsync(t.Endpoint + "/lamina/url/" + new string('a', 32) + "/"))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Equal("""{"Message":"Not Found"}""", await unknown.Content.ReadAsStringAsync());
        }
        var calls = t.Invoker.Calls;
        using (var big = await http.PostAsync(url, new ByteArrayContent(new byte[LambdaApi.SyncPayloadLimit + 1])))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
        }
        Assert.Equal(calls, t.Invoker.Calls);
        using (var error = await http.PostAsync(url + "fail", new StringContent("x")))
        {
            Assert.Equal(HttpStatusCode.BadGateway, error.StatusCode);
        }
        using (var good = await http.GetAsync(url + "hi"))
        {
            var e = JsonDocument.Parse(await good.Content.ReadAsStringAsync()).RootElement.GetProperty("event");
            Assert.Equal("/hi", e.GetProperty("rawPath").GetString());
        }
    }
}
