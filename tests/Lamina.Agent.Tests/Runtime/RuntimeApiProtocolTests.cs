using System.Net;
using System.Text;
using System.Text.Json;

namespace Lamina.Agent.Tests.Runtime;

/// <summary>
/// The Runtime API driven by the test itself acting as the runtime: the agent's runtime command
/// is a placeholder process (sleep), and the test calls /next, /response, /error over HTTP.
/// </summary>
public sealed class RuntimeApiProtocolTests
{
    private static Task<AgentProcess> StartWithPlaceholderAsync() => AgentProcess.StartAsync(["sh", "-c", "echo placeholder-started; exec sleep 600"]);

    /// <summary>Sends the first invoke and waits until the agent has started the placeholder runtime.</summary>
    private static async Task<Task<HttpResponseMessage>> FirstInvokeAsync(AgentProcess agent, string json)
    {
        var invoke = agent.InvokeAsync(json);
        await agent.WaitForStdoutAsync(l => l == "placeholder-started");
        return invoke;
    }

    private static Uri Api(AgentProcess agent, string path) => new($"http://{agent.RuntimeApi}/2018-06-01/runtime/{path}");

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<string> ErrorTypeAsync(HttpResponseMessage response)
    {
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("errorType").GetString()!;
    }

    [Fact]
    public async Task Invalid_transitions_are_refused_with_403_and_stale_ids_with_400()
    {
        await using var agent = await StartWithPlaceholderAsync();
        var http = agent.Client;
        var invoke = await FirstInvokeAsync(agent, """{"first":1}""");

        // Init phase: the runtime (the test) has not called /next yet.
        using var earlyResponse = await http.PostAsync(Api(agent, "invocation/some-id/response"), Json("{}"));
        Assert.Equal(HttpStatusCode.Forbidden, earlyResponse.StatusCode);
        Assert.Equal("InvalidStateTransition", await ErrorTypeAsync(earlyResponse));

        using var next = await http.GetAsync(Api(agent, "invocation/next"));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal("""{"first":1}""", await next.Content.ReadAsStringAsync());
        var id = next.Headers.GetValues("Lambda-Runtime-Aws-Request-Id").Single();

        using var nextAgain = await http.GetAsync(Api(agent, "invocation/next"));
        using var initErrorLate = await http.PostAsync(Api(agent, "init/error"), Json("{}"));
        using var wrongId = await http.PostAsync(Api(agent, "invocation/not-the-id/response"), Json("{}"));
        using var answer = await http.PostAsync(Api(agent, $"invocation/{id}/response"), Json("""{"answer":1}"""));
        using var secondAnswer = await http.PostAsync(Api(agent, $"invocation/{id}/error"), Json("{}"));
        using var staleAfter = await http.PostAsync(Api(agent, "invocation/never-seen/response"), Json("{}"));

        Assert.Equal(HttpStatusCode.Forbidden, nextAgain.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, initErrorLate.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, wrongId.StatusCode);
        Assert.Equal("InvalidRequestID", await ErrorTypeAsync(wrongId));
        Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
        Assert.Equal("""{"status":"OK"}""", await answer.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, secondAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, staleAfter.StatusCode);
        using var invoked = await invoke;
        Assert.Equal("""{"answer":1}""", await invoked.Content.ReadAsStringAsync());

        // The first invocation's id is stale once a second one is in flight.
        var secondInvoke = agent.InvokeAsync("""{"second":2}""");
        using var next2 = await http.GetAsync(Api(agent, "invocation/next"));
        var id2 = next2.Headers.GetValues("Lambda-Runtime-Aws-Request-Id").Single();
        using var stale = await http.PostAsync(Api(agent, $"invocation/{id}/response"), Json("{}"));
        using var error = await http.PostAsync(Api(agent, $"invocation/{id2}/error"), Json("""{"errorMessage":"m","errorType":"E"}"""));
        Assert.NotEqual(id, id2);
        Assert.Equal(HttpStatusCode.BadRequest, stale.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, error.StatusCode);
        using var secondInvoked = await secondInvoke;
        Assert.Equal("""{"errorMessage":"m","errorType":"E"}""", await secondInvoked.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Next_blocks_until_an_invoke_arrives_and_carries_every_header()
    {
        await using var agent = await StartWithPlaceholderAsync();
        var first = await FirstInvokeAsync(agent, "{}");
        using (var next = await agent.Client.GetAsync(Api(agent, "invocation/next")))
        {
            await agent.Client.PostAsync(Api(agent, $"invocation/{next.Headers.GetValues("Lambda-Runtime-Aws-Request-Id").Single()}/response"), Json("null"));
        }
        (await first).Dispose();

        var blocked = agent.Client.GetAsync(Api(agent, "invocation/next"));
        await Task.Delay(300);
        Assert.False(blocked.IsCompleted);
        var second = agent.InvokeAsync("""{"later":true}""");
        using var delivered = await blocked;

        Assert.Equal("""{"later":true}""", await delivered.Content.ReadAsStringAsync());
        foreach (var header in new[] { "Lambda-Runtime-Aws-Request-Id", "Lambda-Runtime-Deadline-Ms", "Lambda-Runtime-Invoked-Function-Arn", "Lambda-Runtime-Trace-Id" })
        {
            Assert.False(string.IsNullOrEmpty(delivered.Headers.GetValues(header).Single()), header);
        }
        await agent.Client.PostAsync(Api(agent, $"invocation/{delivered.Headers.GetValues("Lambda-Runtime-Aws-Request-Id").Single()}/response"), Json("1"));
        Assert.Equal("1", await (await second).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Invocation_id_is_sent_on_next_and_answers_after_the_timeout_get_410()
    {
        await using var agent = await AgentProcess.StartAsync(
            ["sh", "-c", "echo placeholder-started; exec sleep 600"],
            new Dictionary<string, string> { ["AWS_LAMBDA_FUNCTION_TIMEOUT"] = "1" });
        var http = agent.Client;
        var invoke = agent.InvokeAsync("{}", headers: h => h.Add("X-Amz-Tenant-Id", "tenant-7"));
        await agent.WaitForStdoutAsync(l => l == "placeholder-started");
        using var next = await http.GetAsync(Api(agent, "invocation/next"));
        var id = next.Headers.GetValues("Lambda-Runtime-Aws-Request-Id").Single();
        Assert.Equal("tenant-7", next.Headers.GetValues("Lambda-Runtime-Aws-Tenant-Id").Single());
        var invocationId = next.Headers.GetValues("Lambda-Runtime-Invocation-Id").Single();
        Assert.True(Guid.TryParse(invocationId, out _), invocationId);

        using var wrongAttempt = new HttpRequestMessage(HttpMethod.Post, Api(agent, $"invocation/{id}/response")) { Content = Json("\"stale\"") };
        wrongAttempt.Headers.Add("Lambda-Runtime-Invocation-Id", Guid.NewGuid().ToString());
        using var refusedAttempt = await http.SendAsync(wrongAttempt);
        Assert.Equal(HttpStatusCode.BadRequest, refusedAttempt.StatusCode);
        Assert.Equal("InvalidInvocationID", await ErrorTypeAsync(refusedAttempt));

        using var invoked = await invoke;
        Assert.Equal(HttpStatusCode.RequestTimeout, invoked.StatusCode);
        using var late = new HttpRequestMessage(HttpMethod.Post, Api(agent, $"invocation/{id}/response")) { Content = Json("\"late\"") };
        late.Headers.Add("Lambda-Runtime-Invocation-Id", invocationId);
        using var refusedLate = await http.SendAsync(late);
        Assert.Equal(HttpStatusCode.Gone, refusedLate.StatusCode);
        Assert.Equal("InvocationTimedOut", await ErrorTypeAsync(refusedLate));
        using var lateError = await http.PostAsync(Api(agent, $"invocation/{id}/error"), Json("{}"));
        Assert.Equal(HttpStatusCode.Gone, lateError.StatusCode);
    }

    [Fact]
    public async Task Unknown_routes_and_methods_get_404_and_405_never_500()
    {
        await using var agent = await StartWithPlaceholderAsync();

        using var unknown = await agent.Client.GetAsync(new Uri($"http://{agent.RuntimeApi}/2018-06-01/runtime/nope"));
        using var otherVersion = await agent.Client.GetAsync(new Uri($"http://{agent.RuntimeApi}/2099-01-01/runtime/invocation/next"));
        using var postNext = await agent.Client.PostAsync(Api(agent, "invocation/next"), Json("{}"));
        using var getResponse = await agent.Client.GetAsync(Api(agent, "invocation/x/response"));

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, otherVersion.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, postNext.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, getResponse.StatusCode);
    }

    [Fact]
    public async Task Invalid_response_mode_is_refused_and_fails_the_invocation()
    {
        await using var agent = await StartWithPlaceholderAsync();
        var invoke = await FirstInvokeAsync(agent, "{}");
        using var next = await agent.Client.GetAsync(Api(agent, "invocation/next"));
        var id = next.Headers.GetValues("Lambda-Runtime-Aws-Request-Id").Single();

        using var request = new HttpRequestMessage(HttpMethod.Post, Api(agent, $"invocation/{id}/response")) { Content = Json("{}") };
        request.Headers.Add("Lambda-Runtime-Function-Response-Mode", "sideways");
        using var refused = await agent.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        using var invoked = await invoke;
        Assert.Equal("Unhandled", invoked.Headers.GetValues("X-Amz-Function-Error").Single());
        Assert.Contains("Runtime.InvalidResponseModeHeader", await invoked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>Posts a chunked streaming /response over a raw socket (HttpClient cannot send request trailers).</summary>
    private static async Task<string> PostStreamingAsync(AgentProcess agent, string id, string[] chunks, string trailers)
    {
        var colon = agent.RuntimeApi.LastIndexOf(':');
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Parse(agent.RuntimeApi[..colon]), int.Parse(agent.RuntimeApi[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        var request = new StringBuilder($"POST /2018-06-01/runtime/invocation/{id}/response HTTP/1.1\r\nHost: x\r\nLambda-Runtime-Function-Response-Mode: streaming\r\nTransfer-Encoding: chunked\r\nTrailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body\r\n\r\n");
        foreach (var chunk in chunks)
        {
            request.Append(System.Globalization.CultureInfo.InvariantCulture, $"{Encoding.UTF8.GetByteCount(chunk):x}\r\n{chunk}\r\n");
        }
        request.Append("0\r\n").Append(trailers).Append("\r\n");
        await socket.SendAsync(Encoding.UTF8.GetBytes(request.ToString()), System.Net.Sockets.SocketFlags.None);
        var buffer = new byte[4096];
        var read = await socket.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None);
        return Encoding.ASCII.GetString(buffer, 0, read);
    }

    [Fact]
    public async Task Streamed_responses_are_assembled_and_error_trailers_fail_the_invocation()
    {
        await using var agent = await StartWithPlaceholderAsync();
        var first = await FirstInvokeAsync(agent, "{}");
        using (var next = await agent.Client.GetAsync(Api(agent, "invocation/next")))
        {
            var id = next.Headers.GetValues("Lambda-Runtime-Aws-Request-Id").Single();
            Assert.StartsWith("HTTP/1.1 202", await PostStreamingAsync(agent, id, ["hello, ", "streamed ", "world"], ""), StringComparison.Ordinal);
        }
        using var streamed = await first;
        Assert.Equal("hello, streamed world", await streamed.Content.ReadAsStringAsync());
        Assert.False(streamed.Headers.Contains("X-Amz-Function-Error"));

        var second = agent.InvokeAsync("{}");
        using (var next = await agent.Client.GetAsync(Api(agent, "invocation/next")))
        {
            var id = next.Headers.GetValues("Lambda-Runtime-Aws-Request-Id").Single();
            var error = Convert.ToBase64String("""{"errorMessage":"mid-stream","errorType":"Function.StreamBroke"}"""u8.ToArray());
            await PostStreamingAsync(agent, id, ["partial"], $"Lambda-Runtime-Function-Error-Type: Function.StreamBroke\r\nLambda-Runtime-Function-Error-Body: {error}\r\n");
        }
        using var failed = await second;
        Assert.Equal("Unhandled", failed.Headers.GetValues("X-Amz-Function-Error").Single());
        Assert.Equal("""{"errorMessage":"mid-stream","errorType":"Function.StreamBroke"}""", await failed.Content.ReadAsStringAsync());
    }
}
