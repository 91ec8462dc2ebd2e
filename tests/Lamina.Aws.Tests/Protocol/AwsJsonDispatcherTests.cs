using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lamina.Aws.Protocol;
using Lamina.Aws.Signing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Lamina.Aws.Tests.Protocol;

/// <summary>The shared POST / over real HTTP: routing by X-Amz-Target, SigV4, and AWS JSON 1.1 error rendering.</summary>
public sealed class AwsJsonDispatcherTests : IAsyncLifetime
{
    private static readonly Credentials Creds = new("AKIDTEST", "secret/for+tests", "us-east-1", "000000000000");
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    private sealed class EchoService : IAwsJsonService
    {
        public string TargetPrefix => "Echo_20200101";
        public string SigningName => "echo";

        public ValueTask<AwsJsonResponse> HandleAsync(AwsJsonRequest request, CancellationToken ct) => request.Operation switch
        {
            "Echo" => ValueTask.FromResult(AwsJsonResponse.Ok(new JsonObject { ["input"] = request.Input.DeepClone(), ["caller"] = request.AccessKeyId })),
            "Fail" => ValueTask.FromResult(AwsJsonResponse.Error("ThingNotFoundException", "no such thing")),
            _ => throw new InvalidOperationException("a bug"),
        };
    }

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton(Creds);
        builder.Services.AddAwsJsonService<EchoService>(authEnabled: true);
        _app = builder.Build();
        _app.MapAwsJsonProtocol();
        _app.MapAwsJsonProtocol(); // a second service module mapping it again must not conflict
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _http = new HttpClient { BaseAddress = new Uri(address) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    private async Task<HttpResponseMessage> SendAsync(string target, string body, string? secret = "secret/for+tests")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new("application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        if (secret is not null)
        {
            var date = DateTime.UtcNow.ToString(SigV4Signer.AmzDateFormat, CultureInfo.InvariantCulture);
            var host = _http.BaseAddress!.Authority;
            request.Headers.TryAddWithoutValidation("X-Amz-Date", date);
            var headers = $"host:{host}\nx-amz-date:{date}\nx-amz-target:{target}\n";
            var canonical = SigV4Signer.CanonicalRequest("POST", "/", "", headers, "host;x-amz-date;x-amz-target", SigV4Signer.HexSha256(Encoding.UTF8.GetBytes(body)));
            var scope = SigV4Signer.Scope(date[..8], "us-east-1", "echo");
            var signature = SigV4Signer.Signature(SigV4Signer.DeriveSigningKey(secret, date[..8], "us-east-1", "echo"), SigV4Signer.StringToSign(date, scope, canonical));
            request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential=AKIDTEST/{scope}, SignedHeaders=host;x-amz-date;x-amz-target, Signature={signature}");
        }
        return await _http.SendAsync(request);
    }

    private static async Task<(string Type, string Message)> ErrorOf(HttpResponseMessage response)
    {
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var type = json.GetProperty("__type").GetString()!;
        Assert.Equal(type, response.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Equal("application/x-amz-json-1.1", response.Content.Headers.ContentType!.MediaType);
        return (type, json.GetProperty("message").GetString()!);
    }

    [Fact]
    public async Task A_signed_call_reaches_its_service_with_the_parsed_input()
    {
        using var response = await SendAsync("Echo_20200101.Echo", """{"x":[1,2]}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(Guid.TryParse(response.Headers.GetValues("x-amzn-RequestId").Single(), out _));
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(2, json["input"]!["x"]![1]!.GetValue<int>());
        Assert.Equal("AKIDTEST", json["caller"]!.GetValue<string>());
    }

    [Fact]
    public async Task Errors_render_as_type_and_message_with_the_error_type_header()
    {
        using var fail = await SendAsync("Echo_20200101.Fail", "{}");
        Assert.Equal(HttpStatusCode.BadRequest, fail.StatusCode);
        Assert.Equal(("ThingNotFoundException", "no such thing"), await ErrorOf(fail));

        using var unknown = await SendAsync("Nope_1.Echo", "{}");
        Assert.Equal("UnknownOperationException", (await ErrorOf(unknown)).Type);

        using var badJson = await SendAsync("Echo_20200101.Echo", "{not json");
        Assert.Equal("SerializationException", (await ErrorOf(badJson)).Type);

        using var bug = await SendAsync("Echo_20200101.Crash", "{}");
        Assert.Equal(HttpStatusCode.InternalServerError, bug.StatusCode);
        Assert.Equal("InternalFailure", (await ErrorOf(bug)).Type);
    }

    [Fact]
    public async Task Unsigned_and_badly_signed_calls_are_refused_before_the_service_runs()
    {
        using var unsigned = await SendAsync("Echo_20200101.Crash", "{}", secret: null);
        Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);
        Assert.Equal("MissingAuthenticationTokenException", (await ErrorOf(unsigned)).Type);

        using var wrong = await SendAsync("Echo_20200101.Crash", "{}", secret: "wrong");
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        var (type, message) = await ErrorOf(wrong);
        Assert.Equal("InvalidSignatureException", type);
        Assert.Contains("signature", message, StringComparison.Ordinal);
    }
}
