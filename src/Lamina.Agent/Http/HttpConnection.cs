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
                    if (handler.StreamsBody(request))
                    {
                        request.StreamedBody = new StreamedBody(reader, request, limits);
                    }
                    else
                    {
                        await HttpRequestParser.ReadBodyAsync(reader, request, limits, cancellationToken);
                    }
                }
                catch (HttpProtocolException e)
                {
                    var error = Encoding.UTF8.GetBytes(e.Message);
                    await WriteAsync(stream, new HttpResponse(e.Status, error, "text/plain"), close: true, cancellationToken);
                    return;
                }
                var response = await handler.HandleAsync(request, cancellationToken);
                if (request.StreamedBody is { Finished: false } unread)
                {
                    try
                    {
                        await unread.DrainAsync(cancellationToken);
                    }
                    catch (HttpProtocolException)
                    {
                        response = new HttpResponse(response.Status, response.Body, response.ContentType) { CloseConnection = true, AfterSent = response.AfterSent };
                    }
                }
                var close = response.CloseConnection || WantsClose(request);
                try
                {
                    await WriteAsync(stream, response, close, cancellationToken);
                }
                finally
                {
                    response.AfterSent?.Invoke();
                }
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
        if (response.BodyWriter is not null)
        {
            await ChunkedResponse.WriteAsync(stream, response, close, cancellationToken);
            return;
        }
        var small = response.Body.Length <= 16 * 1024;
        var buffer = ArrayPool<byte>.Shared.Rent(HeadLength(response) + (small ? response.Body.Length : 0));
        try
        {
            var written = WriteHead(buffer, response, close);
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

    /// <summary>An upper bound of the head's size in bytes (header values are ASCII or Latin-1 here, UTF-8 at worst 3×).</summary>
    internal static int HeadLength(HttpResponse response)
    {
        var length = 128 + (response.ContentType?.Length ?? 0) * 3;
        if (response.Headers is not null)
        {
            foreach (var (name, value) in response.Headers)
            {
                length += (name.Length + value.Length) * 3 + 4;
            }
        }
        return length;
    }

    internal static int WriteHead(Span<byte> buffer, HttpResponse response, bool close)
    {
        var at = 0;
        Append(buffer, ref at, "HTTP/1.1 "u8);
        response.Status.TryFormat(buffer[at..], out var n, provider: CultureInfo.InvariantCulture);
        at += n;
        buffer[at++] = (byte)' ';
        at += Encoding.ASCII.GetBytes(HttpResponse.Reason(response.Status), buffer[at..]);
        Append(buffer, ref at, "\r\n"u8);
        if (response.ContentType is not null)
        {
            Append(buffer, ref at, "Content-Type: "u8);
            at += Encoding.UTF8.GetBytes(response.ContentType, buffer[at..]);
            Append(buffer, ref at, "\r\n"u8);
        }
        if (response.Headers is not null)
        {
            foreach (var (name, value) in response.Headers)
            {
                at += Encoding.UTF8.GetBytes(name, buffer[at..]);
                Append(buffer, ref at, ": "u8);
                at += Encoding.UTF8.GetBytes(value, buffer[at..]);
                Append(buffer, ref at, "\r\n"u8);
            }
        }
        if (response.BodyWriter is not null)
        {
            Append(buffer, ref at, "Transfer-Encoding: chunked"u8);
        }
        else
        {
            Append(buffer, ref at, "Content-Length: "u8);
            response.Body.Length.TryFormat(buffer[at..], out n, provider: CultureInfo.InvariantCulture);
            at += n;
        }
        Append(buffer, ref at, close ? "\r\nConnection: close\r\n\r\n"u8 : "\r\n\r\n"u8);
        return at;
    }

    private static void Append(Span<byte> buffer, ref int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(buffer[at..]);
        at += bytes.Length;
    }
}
