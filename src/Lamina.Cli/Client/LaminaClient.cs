using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Lamina.Cli.Client;

/// <summary>
/// Signed calls to one Lamina server's AWS-compatible APIs (Lambda rest-json, ECR JSON 1.1). Transport and
/// authentication failures become <see cref="CliException"/>s with the matching exit code and a hint.
/// </summary>
internal sealed class LaminaClient(ConnectionSettings settings) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(15);
    private readonly HttpClient _lambda = new(new SigV4Handler(settings, "lambda")) { BaseAddress = settings.Endpoint, Timeout = Timeout };
    private readonly HttpClient _ecr = new(new SigV4Handler(settings, "ecr")) { BaseAddress = settings.Endpoint, Timeout = Timeout };

    public ConnectionSettings Settings => settings;

    /// <summary>A Lambda REST call; the response is returned whatever its status (callers decide what an error means).</summary>
    public Task<HttpResponseMessage> LambdaAsync(HttpRequestMessage request, CancellationToken ct) => SendAsync(_lambda, request, ct);

    /// <summary>An ECR JSON 1.1 call; a non-2xx answer throws with the server's error code and message.</summary>
    public async Task<JsonElement> EcrAsync(string operation, object body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "AmazonEC2ContainerRegistry_V20150921." + operation);
        request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        using var response = await SendAsync(_ecr, request, ct);
        return await ReadJsonOrThrowAsync(response, ct);
    }

    /// <summary>A Lambda REST call with an optional JSON body; the 2xx answer parsed, or the server's error thrown.</summary>
    public async Task<JsonElement> LambdaJsonAsync(HttpMethod method, string path, System.Text.Json.Nodes.JsonObject? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        using var response = await LambdaAsync(request, ct);
        return await ReadJsonOrThrowAsync(response, ct);
    }

    /// <summary>Parses a 2xx JSON body (empty → {}), or throws the server's error.</summary>
    public async Task<JsonElement> ReadJsonOrThrowAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode) throw RemoteError.From(response, text, settings);
        if (string.IsNullOrWhiteSpace(text)) return JsonDocument.Parse("{}").RootElement.Clone();
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new CliException(ExitCodes.RemoteError, $"{settings.Endpoint} answered {(int)response.StatusCode} with a body that is not JSON ({e.Message}); is it a Lamina server?");
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpRequestMessage request, CancellationToken ct)
    {
        try
        {
            return await client.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            throw Unreachable(settings.Endpoint, e);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new CliException(ExitCodes.Unreachable, $"Lamina at {settings.Endpoint} did not answer within {Timeout.TotalMinutes:0} minutes.");
        }
    }

    /// <summary>The one wording for "nothing is listening there".</summary>
    public static CliException Unreachable(Uri endpoint, HttpRequestException e)
    {
        var why = e.InnerException is SocketException s ? s.Message : e.Message;
        var url = endpoint.ToString().TrimEnd('/');
        return new CliException(ExitCodes.Unreachable,
            $"cannot reach Lamina at {url} ({why}) — is `./lamina server` running? Use --endpoint (or LAMINA_ENDPOINT) to point elsewhere.");
    }

    public static bool IsAuthStatus(HttpStatusCode status) => status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;

    public void Dispose()
    {
        _lambda.Dispose();
        _ecr.Dispose();
    }
}
