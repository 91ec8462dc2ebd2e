using System.Text;
using System.Text.Json;
using Lamina.Control.Tests;
using Lamina.Scheduler.Tests.Fixtures;

namespace Lamina.Scheduler.Tests;

/// <summary>
/// InvokeWithResponseStream through the whole path (boto3 → API → scheduler → environment → agent → runtime in
/// streaming mode) with the echo runtime's streaming answers. The CLI v2 here (2.9.19) has no
/// invoke-with-response-stream, so boto3/botocore is the client; it checks the event stream's framing and CRCs.
/// </summary>
public sealed class StreamingTests(ExecutionServer server) : IClassFixture<ExecutionServer>
{
    // Uses boto3's invoke_with_response_stream when the installed botocore has it (1.29.96+); Debian 12's 1.29.27
    // does not, so then botocore's own SigV4 signer and event stream decoder (which checks both CRCs) are used.
    private const string Script = """
        import boto3, botocore.auth, botocore.awsrequest, botocore.eventstream, json, sys, urllib.request
        endpoint, name, payload, marker = sys.argv[1:5]
        c = boto3.client("lambda", endpoint_url=endpoint)
        out = {"chunks": [], "complete": None}

        def chunk(data):
            out["chunks"].append(data.decode())
            if len(out["chunks"]) == 1:
                open(marker, "w").close()

        if hasattr(c, "invoke_with_response_stream"):
            r = c.invoke_with_response_stream(FunctionName=name, Payload=payload.encode(), LogType="Tail")
            out.update(status=r["StatusCode"], version=r.get("ExecutedVersion"), type=r["ResponseStreamContentType"])
            for event in r["EventStream"]:
                if "PayloadChunk" in event:
                    chunk(event["PayloadChunk"]["Payload"])
                elif "InvokeComplete" in event:
                    out["complete"] = event["InvokeComplete"]
        else:
            url = f"{endpoint}/2021-11-15/functions/{name}/response-streaming-invocations"
            req = botocore.awsrequest.AWSRequest(method="POST", url=url, data=payload.encode(), headers={"X-Amz-Log-Type": "Tail"})
            botocore.auth.SigV4Auth(c._request_signer._credentials, "lambda", c.meta.region_name).add_auth(req)
            resp = urllib.request.urlopen(urllib.request.Request(url, data=payload.encode(), headers=dict(req.prepare().headers), method="POST"))
            out.update(status=resp.status, version=resp.headers["X-Amz-Executed-Version"], type=resp.headers["Content-Type"])
            events = botocore.eventstream.EventStreamBuffer()
            while data := resp.read1(65536):
                events.add_data(data)
                for message in events:
                    kind = message.headers[":event-type"]
                    if kind == "PayloadChunk":
                        chunk(message.payload)
                    elif kind == "InvokeComplete":
                        out["complete"] = json.loads(message.payload)
        print(json.dumps(out))
        """;

    private async Task<JsonElement> StreamAsync(string function, string payload, string marker)
    {
        var file = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".py");
        await File.WriteAllTextAsync(file, Script);
        try
        {
            var r = await ToolRunner.RunAsync("/usr/bin/python3", [file, server.Endpoint, function, payload, marker], server.AwsEnv());
            Assert.True(r.ExitCode == 0, $"boto3 invoke_with_response_stream: {r}");
            return JsonDocument.Parse(r.Stdout).RootElement;
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task The_first_chunk_arrives_while_the_function_still_runs_and_the_stream_completes_with_the_log_tail()
    {
        await server.CreateFunctionAsync("stream-wait", timeout: 120);
        var marker = Path.Combine(Path.GetTempPath(), "lamina-first-chunk-" + Guid.NewGuid().ToString("N"));
        var invoke = StreamAsync("stream-wait", """{"mode":"streamwait"}""", marker);

        // The runtime blocks after its first chunk until /tmp/release exists in its sandbox, and only this test
        // writes it, after the client saw that chunk: a buffered path would never show the chunk (the wait fails).
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (!File.Exists(marker) && !invoke.IsCompleted && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.True(File.Exists(marker), "the first chunk did not reach the client while the function was blocked");
        Assert.False(invoke.IsCompleted);
        server.ReleaseWaiting();
        var result = await invoke;
        File.Delete(marker);

        Assert.Equal(200, result.GetProperty("status").GetInt32());
        Assert.Equal("$LATEST", result.GetProperty("version").GetString());
        Assert.Equal("application/vnd.amazon.eventstream", result.GetProperty("type").GetString());
        var chunks = result.GetProperty("chunks").EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.Equal("part1;", chunks[0]);
        Assert.Equal("part1;part2;part3", string.Concat(chunks));
        var complete = result.GetProperty("complete");
        Assert.False(complete.TryGetProperty("ErrorCode", out _));
        var log = Encoding.UTF8.GetString(Convert.FromBase64String(complete.GetProperty("LogResult").GetString()!));
        Assert.Contains("START RequestId:", log, StringComparison.Ordinal);
        Assert.Contains("REPORT RequestId:", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failure_midway_completes_with_the_error_and_a_buffered_answer_is_one_chunk()
    {
        await server.CreateFunctionAsync("stream-fail", timeout: 60);
        var marker = Path.Combine(Path.GetTempPath(), "lamina-chunk-" + Guid.NewGuid().ToString("N"));

        var failed = await StreamAsync("stream-fail", """{"mode":"streamfail"}""", marker);
        Assert.Equal("part1;part2;part3", string.Concat(failed.GetProperty("chunks").EnumerateArray().Select(c => c.GetString())));
        var complete = failed.GetProperty("complete");
        Assert.Equal("Function.Broke", complete.GetProperty("ErrorCode").GetString());
        Assert.Equal("broke midway", complete.GetProperty("ErrorDetails").GetString());

        var buffered = await StreamAsync("stream-fail", """{"plain":true}""", marker);
        var chunk = Assert.Single(buffered.GetProperty("chunks").EnumerateArray());
        Assert.True(JsonDocument.Parse(chunk.GetString()!).RootElement.GetProperty("echo").GetProperty("plain").GetBoolean());
        Assert.False(buffered.GetProperty("complete").TryGetProperty("ErrorCode", out _));
        File.Delete(marker);

        // The plain Invoke API of a streaming function gets the chunks joined into one response.
        var joined = await server.InvokeAsync("stream-fail", """{"mode":"stream"}""");
        Assert.Equal("part1;part2;part3", joined.Payload);
    }
}
