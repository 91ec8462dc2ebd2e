using System.Net.Sockets;
using System.Text;

namespace Lamina.Environments;

/// <summary>
/// HTTP/1.1 to lamina-init over its control socket (docs/agent-protocol.md). One pooled connection is
/// kept alive between invokes, so a warm invoke costs no connect.
/// </summary>
internal sealed partial class ControlClient : IDisposable
{
    private readonly HttpClient _http;

    public ControlClient(string socketPath)
    {
        SocketPath = socketPath;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = (_, ct) => ConnectAsync(socketPath, ct),
            UseProxy = false,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        };
        // The host name is never resolved: every connection goes to the socket.
        _http = new HttpClient(handler) { BaseAddress = new Uri("http://lamina-init/"), Timeout = Timeout.InfiniteTimeSpan };
    }

    public string SocketPath { get; }

    /// <summary>
    /// Connects to the agent's socket. A non-blocking connect(2) to a Unix socket fails with EAGAIN (which .NET
    /// reports as WouldBlock or AddressNotAvailable) when the listener's queue is momentarily full; unlike TCP it
    /// is not "in progress" and must simply be tried again, so it is, briefly, before giving up.
    /// </summary>
    internal static async ValueTask<Stream> ConnectAsync(string socketPath, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e) when (attempt < 50 && e.SocketErrorCode is SocketError.WouldBlock or SocketError.TryAgain or SocketError.AddressNotAvailable)
            {
                socket.Dispose();
                await Task.Delay(10, ct);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
    }

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
        using var request = new HttpRequestMessage(HttpMethod.Post,
            new Uri($"2015-03-31/functions/{Uri.EscapeDataString(functionName)}/invocations", UriKind.Relative))
        {
            Content = new ReadOnlyMemoryContent(payload),
        };
        if (requestId is not null) request.Headers.TryAddWithoutValidation("Lamina-Request-Id", requestId);
        using var r = await _http.SendAsync(request, ct);
        var body = await r.Content.ReadAsByteArrayAsync(ct);
        var error = r.Headers.TryGetValues("X-Amz-Function-Error", out var v) ? v.FirstOrDefault() : null;
        var id = r.Headers.TryGetValues("X-Amzn-RequestId", out var ids) ? ids.FirstOrDefault() : null;
        return new InvokeResult((int)r.StatusCode, body, error, id);
    }

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
