using System.Text;

namespace Lamina.Environments;

/// <summary>
/// HTTP/1.1 to lamina-init over its control socket (docs/agent-protocol.md). One pooled connection is
/// kept alive between invokes, so a warm invoke costs no connect.
/// </summary>
internal sealed partial class ControlClient : IDisposable
{
    private readonly HttpClient _http;
    private CachedUri? _invokeUri; // replaced whole, so a reader never sees a name with another name's URI

    public ControlClient(string socketPath)
    {
        SocketPath = socketPath;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = (_, ct) => UnixSocketConnector.ConnectAsync(socketPath, ct),
            UseProxy = false,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        };
        // The host name is never resolved: every connection goes to the socket.
        _http = new HttpClient(handler)
        {
            BaseAddress = new Uri("http://lamina-init/"),
            Timeout = Timeout.InfiniteTimeSpan,
            MaxResponseContentBufferSize = MaxAnswerBytes,
        };
    }

    /// <summary>
    /// Largest answer body, and largest frame of a streamed one, taken from the socket (Lambda's limits: 6 MB
    /// buffered, 20 MB streamed). The socket is inside the sandbox, so a function that replaced its agent could
    /// otherwise make the host allocate whatever it claims.
    /// </summary>
    internal const int MaxAnswerBytes = 20 << 20;

    public string SocketPath { get; }

    /// <summary>True when GET /lamina/v1/health answers 200.</summary>
    public async Task<bool> HealthyAsync(CancellationToken ct)
    {
        try
        {
            using var r = await _http.GetAsync(new Uri("lamina/v1/health", UriKind.Relative), ct);
            return r.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>POST /lamina/v1/init: starts the runtime and waits for its first /next. Returns the JSON answer.</summary>
    public async Task<string> InitAsync(CancellationToken ct)
    {
        using var r = await _http.PostAsync(new Uri("lamina/v1/init", UriKind.Relative), new ByteArrayContent([]), ct);
        return await r.Content.ReadAsStringAsync(ct);
    }

    /// <summary>The Invoke API over the socket.</summary>
    public async Task<InvokeResult> InvokeAsync(string functionName, ReadOnlyMemory<byte> payload, string? requestId, CancellationToken ct)
    {
        using var request = InvokeRequest(functionName, payload, requestId);
        using var r = await _http.SendAsync(request, ct);
        return await WholeAnswerAsync(r, ct);
    }

    /// <summary>POST /2015-03-31/functions/NAME/invocations with the host-chosen request id, when there is one.</summary>
    private HttpRequestMessage InvokeRequest(string functionName, ReadOnlyMemory<byte> payload, string? requestId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, InvokeUri(functionName))
        {
            Content = new ReadOnlyMemoryContent(payload),
        };
        if (requestId is not null) request.Headers.TryAddWithoutValidation("Lamina-Request-Id", requestId);
        return request;
    }

    /// <summary>
    /// The absolute invoke URI, made once per environment (its function name does not change): every invoke used to
    /// format the path, parse it and combine it with the base address, three allocations and a URI parse each.
    /// </summary>
    private Uri InvokeUri(string functionName)
    {
        var cached = _invokeUri;
        if (cached is not null && cached.Name == functionName) return cached.Uri;
        var uri = new Uri(_http.BaseAddress!, $"2015-03-31/functions/{Uri.EscapeDataString(functionName)}/invocations");
        _invokeUri = new CachedUri(functionName, uri);
        return uri;
    }

    private sealed record CachedUri(string Name, Uri Uri);

    /// <summary>A whole (not framed) answer: status, body, X-Amz-Function-Error, X-Amzn-RequestId.</summary>
    private static async Task<InvokeResult> WholeAnswerAsync(HttpResponseMessage r, CancellationToken ct)
    {
        var body = await r.Content.ReadAsByteArrayAsync(ct);
        var error = r.Headers.TryGetValues("X-Amz-Function-Error", out var v) ? v.FirstOrDefault() : null;
        return new InvokeResult((int)r.StatusCode, body, error, RequestIdOf(r));
    }

    private static string? RequestIdOf(HttpResponseMessage r) =>
        r.Headers.TryGetValues("X-Amzn-RequestId", out var ids) ? ids.FirstOrDefault() : null;

    /// <summary>POST /lamina/v1/shutdown; failures are ignored (the sandbox is stopped next anyway).</summary>
    public async Task ShutdownAsync(CancellationToken ct)
    {
        try
        {
            using var r = await _http.PostAsync(new Uri("lamina/v1/shutdown", UriKind.Relative), new ByteArrayContent([]), ct);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
        }
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>The answer to one invoke, as the agent gave it.</summary>
/// <param name="StatusCode">200 on success and on function errors; 408 on timeout; 4xx/5xx on platform errors.</param>
/// <param name="Payload">The function's result or the error payload.</param>
/// <param name="FunctionError">X-Amz-Function-Error (Unhandled) when the function failed.</param>
/// <param name="RequestId">X-Amzn-RequestId.</param>
public sealed record InvokeResult(int StatusCode, byte[] Payload, string? FunctionError, string? RequestId)
{
    /// <summary>The payload as UTF-8 text.</summary>
    public string PayloadText => Encoding.UTF8.GetString(Payload);
}
