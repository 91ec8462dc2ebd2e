using System.Buffers;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Lamina.Agent.Http;

/// <summary>
/// Serves requests on one accepted socket, one at a time, with keep-alive. A framing error is
/// answered once (400/413/431) and the connection closes; a handler exception closes it without
/// an answer (it is a bug, never an expected outcome).
/// </summary>
internal sealed class HttpConnection(Socket socket, IHttpHandler handler, HttpLimits limits)
{
    private static readonly byte[] Continue100 = "HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        using var reader = new HttpReader(stream, limits.MaxLineBytes);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                HttpRequest? request;
                try
                {
                    request = await HttpRequestParser.ReadHeadAsync(reader, limits, cancellationToken);
                    if (request is null)
                    {
                        return;
                    }
                    var length = HttpRequestParser.ContentLength(request, limits);
                    var expectContinue = string.Equals(request.Header("Expect"), "100-continue", StringComparison.OrdinalIgnoreCase);
                    if (expectContinue && length > limits.MaxBodyBytes && !HttpRequestParser.IsChunked(request))
                    {
                        // The client waits for our go-ahead: refuse without reading the body, then close
                        // because the client may or may not send it anyway.
                        request.BodyTooLarge = true;
                        var refused = await handler.HandleAsync(request, cancellationToken);
                        await WriteAsync(stream, refused, close: true, cancellationToken);
                        return;
                    }
                    if (expectContinue)
                    {
                        await stream.WriteAsync(Continue100, cancellationToken);
                    }
                    await HttpRequestParser.ReadBodyAsync(reader, request, limits, cancellationToken);
                }
                catch (HttpProtocolException e)
                {
                    var error = Encoding.UTF8.GetBytes(e.Message);
                    await WriteAsync(stream, new HttpResponse(e.Status, error, "text/plain"), close: true, cancellationToken);
                    return;
                }
                var response = await handler.HandleAsync(request, cancellationToken);
                var close = response.CloseConnection || WantsClose(request);
                await WriteAsync(stream, response, close, cancellationToken);
                if (close)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer went away or the server is stopping: nothing left to answer.
        }
    }

    private static bool WantsClose(HttpRequest request)
    {
        var connection = request.Header("Connection");
        if (connection is not null && connection.Contains("close", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        return request.Http10 && (connection is null || !connection.Contains("keep-alive", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Writes the head and, for small bodies, the body in one send (one segment on loopback).</summary>
    internal static async ValueTask WriteAsync(Stream stream, HttpResponse response, bool close, CancellationToken cancellationToken)
    {
        var head = new StringBuilder(256);
        head.Append("HTTP/1.1 ").Append(response.Status.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(HttpResponse.Reason(response.Status)).Append("\r\n");
        if (response.ContentType is not null)
        {
            head.Append("Content-Type: ").Append(response.ContentType).Append("\r\n");
        }
        if (response.Headers is not null)
        {
            foreach (var (name, value) in response.Headers)
            {
                head.Append(name).Append(": ").Append(value).Append("\r\n");
            }
        }
        head.Append("Content-Length: ").Append(response.Body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        if (close)
        {
            head.Append("Connection: close\r\n");
        }
        head.Append("\r\n");
        var headLength = Encoding.UTF8.GetByteCount(head.ToString());
        var small = response.Body.Length <= 16 * 1024;
        var buffer = ArrayPool<byte>.Shared.Rent(headLength + (small ? response.Body.Length : 0));
        try
        {
            var written = Encoding.UTF8.GetBytes(head.ToString(), buffer);
            if (small)
            {
                response.Body.Span.CopyTo(buffer.AsSpan(written));
                await stream.WriteAsync(buffer.AsMemory(0, written + response.Body.Length), cancellationToken);
            }
            else
            {
                await stream.WriteAsync(buffer.AsMemory(0, written), cancellationToken);
                await stream.WriteAsync(response.Body, cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
