using System.Net.Sockets;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Lamina.Registry.Distribution;

/// <summary>
/// A layer body read through a socket that wakes the server once per <see cref="LowWater"/> bytes instead of once
/// per TCP segment burst. On an idle machine a fast client's bytes are read as soon as they arrive, ~40 KB at a
/// time: a 178 MB push cost ~4 000 epoll wake-ups, each a trip through Kestrel's receive loop and the thread pool
/// (whose workers spin in <c>sched_yield</c> between items), and the server's push CPU grew when the machine was
/// free. Linux's <c>SO_RCVLOWAT</c> makes the socket report readable only once that many bytes wait.
/// <para>
/// The mark is safe only while at least that many body bytes are still to come through the socket, or the last
/// bytes would never wake the reader. Kestrel reads ahead of the handler by at most the socket transport's
/// <c>MaxReadBufferSize</c> (its input pipe's pause threshold) plus one memory block — and, if a connection
/// middleware adapts the pipe, by Kestrel's <c>MaxRequestBufferSize</c> plus a block more; both are counted. With
/// <c>remaining = Content-Length − consumed</c> the mark is set while <c>remaining ≥ read-ahead + LowWater</c>
/// and put back to 1 byte before the last stretch
/// and when the stream is disposed (before the response, so a keep-alive connection's next request is never
/// held back). Used only for HTTP/1.1 without TLS, a known Content-Length and a bounded request buffer; any
/// other request reads the body unchanged.
/// </para>
/// </summary>
internal sealed class BatchedBodyStream : Stream
{
    /// <summary>Bytes the socket gathers before it wakes the reader.</summary>
    internal const int LowWater = 256 * 1024;

    private const int SolSocket = 1;    // SOL_SOCKET on Linux
    private const int SoRcvLowat = 18;  // SO_RCVLOWAT on Linux

    private readonly Stream _inner;
    private readonly Socket _socket;
    private readonly long _length;
    private readonly long _headroom;
    private long _consumed;
    private bool _raised;
    private bool _failed;

    private BatchedBodyStream(Stream inner, Socket socket, long length, long readAhead)
    {
        _inner = inner;
        _socket = socket;
        _length = length;
        _headroom = readAhead + LowWater;
        Adjust();
    }

    /// <summary>
    /// The request body, batched, when the request qualifies (see the type's remarks); null otherwise (read
    /// <c>Request.Body</c> as it is). Dispose it before answering.
    /// </summary>
    public static BatchedBodyStream? TryWrap(HttpContext ctx)
    {
        if (!OperatingSystem.IsLinux() || ctx.Request.IsHttps || !HttpProtocol.IsHttp11(ctx.Request.Protocol)) return null;
        if (ctx.Request.ContentLength is not { } length) return null;
        if (ctx.RequestServices.GetService<IOptions<SocketTransportOptions>>()?.Value.MaxReadBufferSize is not { } transport) return null;
        if (ctx.RequestServices.GetService<IOptions<KestrelServerOptions>>()?.Value.Limits.MaxRequestBufferSize is not { } adapted) return null;
        var readAhead = ReadAhead(transport, adapted);
        if (length < readAhead + 2L * LowWater) return null; // too short to gain anything
        if (ctx.Features.Get<IConnectionSocketFeature>()?.Socket is not { } socket) return null;
        return new BatchedBodyStream(ctx.Request.Body, socket, length, readAhead);
    }

    /// <summary>The most body bytes Kestrel can hold received but not yet handed to the handler.</summary>
    internal static long ReadAhead(long transportBuffer, long requestBuffer) => transportBuffer + requestBuffer + 2L * LargeBlockMemoryPool.BlockSize;

    /// <summary>Whether the mark is raised right now (tests look at it).</summary>
    internal bool IsRaised => _raised;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await _inner.ReadAsync(buffer, cancellationToken);
        _consumed += read;
        Adjust();
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    /// <summary>Raises the mark while enough body is still to come, lowers it to 1 for the rest (one syscall per change).</summary>
    private void Adjust()
    {
        var raise = _length - _consumed >= _headroom;
        if (raise != _raised) Set(raise ? LowWater : 1, raise);
    }

    private void Set(int bytes, bool raised)
    {
        if (_failed) return;
        try
        {
            _socket.SetRawSocketOption(SolSocket, SoRcvLowat, BitConverter.GetBytes(bytes));
            _raised = raised;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            _failed = true; // a closed connection: nothing left to batch
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _raised) Set(1, false);
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _consumed; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
