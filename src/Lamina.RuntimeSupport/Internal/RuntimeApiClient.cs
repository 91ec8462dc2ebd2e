using System.Buffers;
using System.Net;
using System.Net.Http.Headers;

namespace Lamina.RuntimeSupport.Internal;

/// <summary>
/// The Runtime API client: one HttpClient on one keep-alive connection (the runtime does one thing at
/// a time), no client timeout (GET next blocks until an event arrives, which can take hours), event
/// bodies read into a reused buffer.
/// </summary>
internal sealed class RuntimeApiClient : IDisposable
{
    private const string ErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";
    private const string InvocationIdHeader = "Lambda-Runtime-Invocation-Id";
    private readonly HttpClient _http;
    private readonly ReusableBuffer _event = new();
    private readonly ArrayBufferWriter<byte> _errorBuffer = new(1024);
    private readonly Uri _next;

    public RuntimeApiClient(string runtimeApi)
    {
        Endpoint = runtimeApi;
        BaseAddress = new Uri($"http://{runtimeApi}/2018-06-01/");
        _next = new Uri(BaseAddress, "runtime/invocation/next");
        _http = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        })
        { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>host:port of the Runtime API (AWS_LAMBDA_RUNTIME_API).</summary>
    public string Endpoint { get; }

    /// <summary>http://host:port/2018-06-01/.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Waits for the next event. Throws <see cref="HttpRequestException"/> when the Runtime API
    /// fails: a runtime cannot go on without it, so the process should exit and be restarted.</summary>
    public async Task<InvocationRequest> NextAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(_next, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
            throw new HttpRequestException($"GET {_next} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        await using var content = await response.Content.ReadAsStreamAsync(cancellationToken);
        var body = await _event.ReadAllAsync(content, response.Content.Headers.ContentLength, cancellationToken);
        return InvocationRequest.FromHeaders(response.Headers, body)
            ?? throw new HttpRequestException($"GET {_next} answered without Lambda-Runtime-Aws-Request-Id");
    }

    /// <summary>POSTs the function's result. A refusal (413 over 6 MiB, 410 after the deadline…) is
    /// written to stderr: the invocation already failed on the platform's side, nothing is left to report.</summary>
    public async Task PostResponseAsync(InvocationRequest request, HttpContent content, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(BaseAddress, $"runtime/invocation/{request.RequestId}/response")) { Content = content };
        AddInvocationId(message, request.InvocationId);
        await SendAsync(message, cancellationToken);
    }

    /// <summary>POSTs an invocation error: AWS's error JSON and the Lambda-Runtime-Function-Error-Type header.</summary>
    public Task PostErrorAsync(InvocationRequest request, Exception exception, CancellationToken cancellationToken) =>
        PostErrorAsync($"runtime/invocation/{request.RequestId}/error", request.InvocationId, exception, cancellationToken);

    /// <summary>POSTs an init error to /runtime/init/error.</summary>
    public Task PostInitErrorAsync(Exception exception, CancellationToken cancellationToken) =>
        PostErrorAsync("runtime/init/error", null, exception, cancellationToken);

    private async Task PostErrorAsync(string path, string? invocationId, Exception exception, CancellationToken cancellationToken)
    {
        exception = ErrorJson.Unwrap(exception);
        _errorBuffer.ResetWrittenCount();
        ErrorJson.Write(exception, _errorBuffer);
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(BaseAddress, path))
        {
            Content = new ReadOnlyMemoryContent(_errorBuffer.WrittenMemory),
        };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue(ErrorJson.ContentType);
        message.Headers.TryAddWithoutValidation(ErrorTypeHeader, ErrorJson.ErrorType(exception));
        AddInvocationId(message, invocationId);
        await SendAsync(message, cancellationToken);
    }

    private static void AddInvocationId(HttpRequestMessage message, string? invocationId)
    {
        if (!string.IsNullOrEmpty(invocationId)) message.Headers.TryAddWithoutValidation(InvocationIdHeader, invocationId);
    }

    private async Task SendAsync(HttpRequestMessage message, CancellationToken cancellationToken)
    {
        using var response = await _http.SendAsync(message, cancellationToken);
        // Read to the end so the connection goes back to the pool for the next GET.
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
            await Console.Error.WriteLineAsync($"lamina-runtime: {message.Method} {message.RequestUri} answered {(int)response.StatusCode}: {body}");
    }

    public void Dispose() => _http.Dispose();
}
