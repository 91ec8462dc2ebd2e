using System.Net;
using System.Text;
using System.Text.Json;
using Lamina.Control.Tests;
using Lamina.Scheduler.Tests.Fixtures;

namespace Lamina.Scheduler.Tests;

/// <summary>
/// Function URLs served by a running server, configured with the CLI v2 and called with real HTTP (HttpClient,
/// curl with its own SigV4 signing) on both URL forms; the echo runtime answers with the event it received.
/// </summary>
public sealed class FunctionUrlTests(ExecutionServer server) : IClassFixture<ExecutionServer>
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromMinutes(3) };

    private async Task<(string Url, string Id)> CreateUrlAsync(string function, params string[] options)
    {
        await server.CreateFunctionAsync(function, timeout: 120);
        var created = JsonDocument.Parse(await server.LambdaAsync(null, ["create-function-url-config", "--function-name", function, .. options])).RootElement;
        var url = created.GetProperty("FunctionUrl").GetString()!;
        var id = url.TrimEnd('/').Split('/')[^1];
        return (url, id);
    }

    [Fact]
    public async Task A_request_becomes_a_payload_2_event_on_both_url_forms_with_cors_applied()
    {
        var (url, id) = await CreateUrlAsync("url-echo", "--auth-type", "NONE",
            "--cors", "AllowOrigins=https://example.com,AllowMethods=GET,POST,AllowHeaders=x-token,MaxAge=60");
        Assert.Matches("^[a-z0-9]{32}$", id);
        Assert.StartsWith(server.Endpoint + "/lamina/url/", url, StringComparison.Ordinal);

        // The path form, with a text body, repeated query keys, cookies and a repeated header.
        using var post = new HttpRequestMessage(HttpMethod.Post, url + "some/path?a=1&a=2&b=x%20y") { Content = new StringContent("hello", Encoding.UTF8, "text/plain") };
        post.Headers.Add("Cookie", "c1=v1; c2=v2");
        post.Headers.Add("X-Multi", ["one", "two"]);
        post.Headers.Add("Origin", "https://example.com");
        using var answer = await Http.SendAsync(post);
        var text = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal("application/json", answer.Content.Headers.ContentType?.MediaType);
        Assert.Equal("https://example.com", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var e = JsonDocument.Parse(text).RootElement.GetProperty("echo");
        Assert.Equal("2.0", e.GetProperty("version").GetString());
        Assert.Equal("$default", e.GetProperty("routeKey").GetString());
        Assert.Equal("/some/path", e.GetProperty("rawPath").GetString());
        Assert.Equal("a=1&a=2&b=x%20y", e.GetProperty("rawQueryString").GetString());
        Assert.Equal("1,2", e.GetProperty("queryStringParameters").GetProperty("a").GetString());
        Assert.Equal("x y", e.GetProperty("queryStringParameters").GetProperty("b").GetString());
        Assert.Equal(["c1=v1", "c2=v2"], e.GetProperty("cookies").EnumerateArray().Select(c => c.GetString()!).ToArray());
        Assert.Equal("one, two", e.GetProperty("headers").GetProperty("x-multi").GetString()); // HttpClient sends one line
        Assert.False(e.GetProperty("headers").TryGetProperty("cookie", out _));
        Assert.Equal("hello", e.GetProperty("body").GetString());
        Assert.False(e.GetProperty("isBase64Encoded").GetBoolean());
        var context = e.GetProperty("requestContext");
        Assert.Equal(id, context.GetProperty("apiId").GetString());
        Assert.Equal(id, context.GetProperty("domainPrefix").GetString());
        Assert.Equal("anonymous", context.GetProperty("accountId").GetString());
        Assert.Equal("POST", context.GetProperty("http").GetProperty("method").GetString());
        Assert.Equal("/some/path", context.GetProperty("http").GetProperty("path").GetString());
        Assert.Equal("HTTP/1.1", context.GetProperty("http").GetProperty("protocol").GetString());
        Assert.Equal("127.0.0.1", context.GetProperty("http").GetProperty("sourceIp").GetString());
        Assert.True(context.GetProperty("timeEpoch").GetInt64() > 0);
        Assert.Matches(@"^\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} \+0000$", context.GetProperty("time").GetString()!);

        // The Host form (<id>.lambda-url.<region>.localhost) with a binary body: base64 in the event.
        using var binary = new HttpRequestMessage(HttpMethod.Put, server.Endpoint + "/other?x=1") { Content = new ByteArrayContent([0xff, 0x00, 0xfe]) };
        binary.Headers.Host = $"{id}.lambda-url.{server.Host.Credentials.Region}.localhost:{server.Host.BaseAddress.Port}";
        binary.Content.Headers.ContentType = new("image/png");
        using var binaryAnswer = await Http.SendAsync(binary);
        var b = JsonDocument.Parse(await binaryAnswer.Content.ReadAsStringAsync()).RootElement.GetProperty("echo");
        Assert.Equal("/other", b.GetProperty("rawPath").GetString());
        Assert.Equal("PUT", b.GetProperty("requestContext").GetProperty("http").GetProperty("method").GetString());
        Assert.True(b.GetProperty("isBase64Encoded").GetBoolean());
        Assert.Equal(Convert.ToBase64String([0xff, 0x00, 0xfe]), b.GetProperty("body").GetString());

        // Two header lines of one name are comma-joined (curl sends them as written).
        var repeated = await ToolRunner.RunAsync("/usr/bin/curl", ["-sS", "--fail-with-body", "-H", "X-Rep: a", "-H", "X-Rep: b", url + "rep"], new Dictionary<string, string>());
        Assert.True(repeated.ExitCode == 0, repeated.ToString());
        Assert.Equal("a,b", JsonDocument.Parse(repeated.Stdout).RootElement.GetProperty("echo").GetProperty("headers").GetProperty("x-rep").GetString());

        // A CORS preflight is answered by the endpoint without invoking the function.
        var before = server.Telemetry.RecordsOf("url-echo").Count;
        using var preflight = new HttpRequestMessage(HttpMethod.Options, url + "some/path");
        preflight.Headers.Add("Origin", "https://example.com");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        using var preflightAnswer = await Http.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.OK, preflightAnswer.StatusCode);
        Assert.Equal("https://example.com", preflightAnswer.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("GET,POST", preflightAnswer.Headers.GetValues("Access-Control-Allow-Methods").Single());
        Assert.Equal("60", preflightAnswer.Headers.GetValues("Access-Control-Max-Age").Single());
        Assert.Equal(before, server.Telemetry.RecordsOf("url-echo").Count);

        // A structured answer: status, headers, cookies and a base64 body.
        using var structured = await Http.GetAsync(url + "structured");
        Assert.Equal(HttpStatusCode.Created, structured.StatusCode);
        Assert.Equal("yes", structured.Headers.GetValues("x-custom").Single());
        Assert.Equal(["a=1", "b=2"], structured.Headers.GetValues("Set-Cookie").ToArray());
        Assert.Equal("hi", await structured.Content.ReadAsStringAsync());

        // An unknown URL id is 404, and nothing else answers on its prefix.
        using var unknown = await Http.GetAsync(server.Endpoint + "/lamina/url/" + new string('0', 32) + "/");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Aws_iam_urls_need_a_sigv4_signature_and_response_stream_urls_stream_with_the_prelude()
    {
        var (url, _) = await CreateUrlAsync("url-iam", "--auth-type", "AWS_IAM");
        using (var unsigned = await Http.GetAsync(url + "x"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);
        }
        var creds = server.Host.Credentials;
        var curl = await ToolRunner.RunAsync("/usr/bin/curl", ["-sS", "--fail-with-body", "--aws-sigv4", $"aws:amz:{creds.Region}:lambda",
            "--user", $"{creds.AccessKeyId}:{creds.SecretAccessKey}", url + "signed?q=1"], new Dictionary<string, string>());
        Assert.True(curl.ExitCode == 0, curl.ToString());
        var e = JsonDocument.Parse(curl.Stdout).RootElement.GetProperty("echo");
        Assert.Equal("/signed", e.GetProperty("rawPath").GetString());
        Assert.Equal(creds.AccountId, e.GetProperty("requestContext").GetProperty("accountId").GetString());
        var wrongKey = await ToolRunner.RunAsync("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--aws-sigv4", $"aws:amz:{creds.Region}:lambda",
            "--user", $"{creds.AccessKeyId}:wrong-secret", url + "signed"], new Dictionary<string, string>());
        Assert.Equal("403", wrongKey.Stdout.Trim());

        // RESPONSE_STREAM: the prelude sets status, headers and cookies; pieces arrive while the function runs.
        // The CLI v2 here (2.9.19) predates --invoke-mode: UpdateFunctionUrlConfig is sent with curl's SigV4.
        var update = await ToolRunner.RunAsync("/usr/bin/curl", ["-sS", "--fail-with-body", "-X", "PUT", "--aws-sigv4", $"aws:amz:{creds.Region}:lambda",
            "--user", $"{creds.AccessKeyId}:{creds.SecretAccessKey}", "-H", "Content-Type: application/json",
            "--data", """{"AuthType":"NONE","InvokeMode":"RESPONSE_STREAM"}""", server.Endpoint + "/2021-10-31/functions/url-iam/url"], new Dictionary<string, string>());
        Assert.True(update.ExitCode == 0, update.ToString());
        Assert.Equal("RESPONSE_STREAM", JsonDocument.Parse(update.Stdout).RootElement.GetProperty("InvokeMode").GetString());
        using var response = await Http.GetAsync(url + "streamwait/prelude", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("yes", response.Headers.GetValues("x-streamed").Single());
        Assert.Equal("s=1", response.Headers.GetValues("Set-Cookie").Single());
        await using var body = await response.Content.ReadAsStreamAsync();
        var first = new byte[6];
        await body.ReadExactlyAsync(first);
        // The runtime waits for /tmp/release, which only the next line writes: this piece came while it ran.
        Assert.Equal("part1;", Encoding.UTF8.GetString(first));
        server.ReleaseWaiting();
        Assert.Equal("part2;part3", await new StreamReader(body).ReadToEndAsync());

        // Without a prelude the stream is a 200 application/octet-stream body.
        using var plain = await Http.GetAsync(url + "stream");
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal("application/octet-stream", plain.Content.Headers.ContentType?.MediaType);
        Assert.Equal("part1;part2;part3", await plain.Content.ReadAsStringAsync());
    }
}
