using System.Buffers;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Lamina.RuntimeSupport.Internal;

/// <summary>
/// The write-only stream a streaming handler writes its response to. It is the body of
/// <c>POST …/response</c> with <c>Lambda-Runtime-Function-Response-Mode: streaming</c> and
/// <c>Transfer-Encoding: chunked</c>, every Write sent at once as one chunk; an error after the
/// first byte goes into the <c>Lambda-Runtime-Function-Error-Type</c> / <c>-Error-Body</c> (base64
/// error JSON) trailers.
/// HttpClient cannot send request trailers, so this request is written by hand on its own
/// connection (Connection: close); the request line and headers go out with the first chunk, and an
/// error before any byte was written is reported the ordinary way (<see cref="Started"/> stays false).
/// </summary>
internal sealed class StreamingResponse(string endpoint, InvocationRequest request, string contentType) : Stream
{
    private static readonly byte[] CrLf = "\r\n"u8.ToArray();
    private NetworkStream? _net;
    private bool _completed;

    /// <summary>True once the request (and so the response) has begun.</summary>
    public bool Started => _net is not null;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => !_completed;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var copy = ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            buffer.CopyTo(copy);
            WriteAsync(copy.AsMemory(0, buffer.Length)).AsTask().GetAwaiter().GetResult();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        var net = _net ?? await StartAsync(cancellationToken);
        if (buffer.IsEmpty) return;
        // One frame, one send: size line, data, CRLF copied into a pooled buffer (Nagle is off).
        var frame = ArrayPool<byte>.Shared.Rent(buffer.Length + 12);
        try
        {
            buffer.Length.TryFormat(frame, out var n, "x", CultureInfo.InvariantCulture);
            CrLf.CopyTo(frame.AsSpan(n));
            buffer.Span.CopyTo(frame.AsSpan(n + 2));
            CrLf.CopyTo(frame.AsSpan(n + 2 + buffer.Length));
            await net.WriteAsync(frame.AsMemory(0, n + 4 + buffer.Length), cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    public override void Flush() { }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Ends the body: the last chunk, then the error trailers when <paramref name="errorType"/> is set.
    /// Returns the Runtime API's status code.</summary>
    public async Task<int> CompleteAsync(string? errorType, ReadOnlyMemory<byte> errorJson, CancellationToken cancellationToken)
    {
        var net = _net ?? await StartAsync(cancellationToken);
        _completed = true;
        var end = new StringBuilder("0\r\n");
        if (errorType is not null)
        {
            end.Append("Lambda-Runtime-Function-Error-Type: ").Append(errorType).Append("\r\n");
            end.Append("Lambda-Runtime-Function-Error-Body: ").Append(Convert.ToBase64String(errorJson.Span)).Append("\r\n");
        }
        end.Append("\r\n");
        await net.WriteAsync(Encoding.UTF8.GetBytes(end.ToString()), cancellationToken);
        return await ReadStatusAsync(net, cancellationToken);
    }

    private async Task<NetworkStream> StartAsync(CancellationToken cancellationToken)
    {
        var colon = endpoint.LastIndexOf(':');
        var host = endpoint[..colon].Trim('[', ']');
        var port = int.Parse(endpoint[(colon + 1)..], CultureInfo.InvariantCulture);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var net = new NetworkStream(socket, ownsSocket: true);
        var head = new StringBuilder()
            .Append("POST /2018-06-01/runtime/invocation/").Append(request.RequestId).Append("/response HTTP/1.1\r\n")
            .Append("Host: ").Append(endpoint).Append("\r\n")
            .Append("Content-Type: ").Append(contentType).Append("\r\n")
            .Append("Lambda-Runtime-Function-Response-Mode: streaming\r\n")
            .Append("Transfer-Encoding: chunked\r\n")
            .Append("Trailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body\r\n")
            .Append("Connection: close\r\n");
        if (!string.IsNullOrEmpty(request.InvocationId)) head.Append("Lambda-Runtime-Invocation-Id: ").Append(request.InvocationId).Append("\r\n");
        head.Append("\r\n");
        await net.WriteAsync(Encoding.UTF8.GetBytes(head.ToString()), cancellationToken);
        _net = net;
        return net;
    }

    private static async Task<int> ReadStatusAsync(NetworkStream net, CancellationToken cancellationToken)
    {
        // Only the status line matters ("HTTP/1.1 202 Accepted"); the connection is closed afterwards.
        var buffer = new byte[512];
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await net.ReadAsync(buffer.AsMemory(total), cancellationToken);
            if (read == 0) break;
            total += read;
            if (buffer.AsSpan(0, total).IndexOf("\r\n"u8) is var eol and > 0)
            {
                var parts = Encoding.ASCII.GetString(buffer, 0, eol).Split(' ');
                return parts.Length > 1 && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var status) ? status : 0;
            }
        }
        return 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _net?.Dispose();
        _completed = true;
        base.Dispose(disposing);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
