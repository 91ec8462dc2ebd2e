using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Lamina.Oci;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Lamina.Registry.Distribution;

/// <summary>
/// Whole-blob GETs served with sendfile(2) on the connection's own socket: the file's pages go from the page
/// cache to the socket without passing through user space (what Go's <c>io.Copy</c> does in distribution).
/// Kestrel has no zero-copy body path, and its output pipe cannot be bypassed mid-response safely, so this
/// takes the connection over instead: it writes the status line and headers itself, the body with sendfile,
/// half-closes the socket after the last byte, waits until the peer has acknowledged it all (<c>Connection: close</c> tells the client not to reuse it) and
/// aborts the Kestrel side, which then writes nothing. The price is one TCP connect per large blob, paid only
/// by blobs of at least <see cref="MinimumSize"/> bytes; small blobs, HEAD, Range and conditional requests,
/// HTTP/2 and TLS keep the ordinary path.
/// </summary>
internal static class ZeroCopyBlob
{
    /// <summary>Below this a reconnect costs more than the copy it saves.</summary>
    internal const long MinimumSize = 1 << 20;

    /// <summary>True when the request can be taken over (checked before anything is written).</summary>
    public static bool Eligible(HttpContext ctx, long size) =>
        size >= MinimumSize
        && HttpMethods.IsGet(ctx.Request.Method)
        && ctx.Request.Protocol == "HTTP/1.1"
        && !ctx.Request.IsHttps
        && !ctx.Response.HasStarted
        && !ctx.Request.Headers.ContainsKey("Range")
        && !ctx.Request.Headers.ContainsKey("If-None-Match")
        && !ctx.Request.Headers.ContainsKey("If-Match")
        && !ctx.Request.Headers.ContainsKey("If-Modified-Since")
        && !ctx.Request.Headers.ContainsKey("If-Unmodified-Since")
        && ctx.Features.Get<IConnectionSocketFeature>()?.Socket is { Connected: true };

    /// <summary>
    /// Sends the whole file as a 200 response and ends the connection. The headers already set on the
    /// response (the API version, Docker-Content-Digest) are sent too. Never throws for a client that went away.
    /// </summary>
    public static async Task ServeAsync(HttpContext ctx, string path, Digest digest, long size)
    {
        var socket = ctx.Features.Get<IConnectionSocketFeature>()!.Socket;
        var head = Head(ctx, digest, size);
        try
        {
            // SendFileAsync on Linux: the header block with send(2), then sendfile(2) until the whole file is
            // in the socket, waiting on EAGAIN through the socket's event loop (no thread blocked).
            await socket.SendFileAsync(path, head, ReadOnlyMemory<byte>.Empty, TransmitFileOptions.UseDefaultWorkerThread, ctx.RequestAborted);
            socket.Shutdown(SocketShutdown.Send);
            await DrainAsync(socket, ctx.RequestAborted);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away mid-body; the connection is dropped below either way.
        }
        ctx.Abort();
    }

    /// <summary>
    /// Waits until the peer has acknowledged every byte (and the FIN): Kestrel's abort closes the socket at
    /// once, and a close with data still queued would cut the body short. Gives up when the queue stops
    /// shrinking for <see cref="StallLimit"/> (a client that stopped reading loses its connection, as with Kestrel's own data-rate limits).
    /// </summary>
    private static async Task DrainAsync(Socket socket, CancellationToken aborted)
    {
        var last = int.MaxValue;
        var stalled = System.Diagnostics.Stopwatch.StartNew();
        var delay = 1;
        while (!aborted.IsCancellationRequested && stalled.Elapsed < StallLimit)
        {
            if (Ioctl(socket.Handle, SiocOutq, out var queued) != 0 || queued == 0) return;
            if (queued < last)
            {
                last = queued;
                stalled.Restart();
                delay = 1;
            }
            await Task.Delay(delay, CancellationToken.None);
            delay = Math.Min(delay * 2, 50);
        }
    }

    /// <summary>How long the unacknowledged queue may stay the same size before the connection is dropped anyway.</summary>
    private static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(30);

    /// <summary>SIOCOUTQ (= TIOCOUTQ): bytes in the socket's send queue not yet acknowledged by the peer.</summary>
    private const nuint SiocOutq = 0x5411;

    [DllImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static extern int Ioctl(nint fd, nuint request, out int value);

    private static byte[] Head(HttpContext ctx, Digest digest, long size)
    {
        var response = ctx.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/octet-stream";
        response.ContentLength = size;
        response.Headers.ETag = $"\"{digest}\"";
        response.Headers.AcceptRanges = "bytes";
        response.Headers.Connection = "close";
        response.Headers.Date = DateTimeOffset.UtcNow.ToString("R", CultureInfo.InvariantCulture);

        var text = new StringBuilder(256);
        text.Append("HTTP/1.1 200 ").Append(ReasonPhrases.GetReasonPhrase(200)).Append("\r\n");
        foreach (var (name, values) in response.Headers)
            foreach (var value in values)
                text.Append(name).Append(": ").Append(value).Append("\r\n");
        text.Append("\r\n");
        return Encoding.ASCII.GetBytes(text.ToString());
    }
}
