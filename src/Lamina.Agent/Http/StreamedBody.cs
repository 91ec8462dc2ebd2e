using System.Globalization;

namespace Lamina.Agent.Http;

/// <summary>
/// A request body handed to the handler as it arrives instead of buffered (a streamed function response:
/// the host must see each chunk as the runtime writes it). Chunked bodies yield one piece per chunk (split at
/// 64 KiB); a Content-Length body yields pieces of what is available. The trailers of a chunked body land in
/// <see cref="HttpRequest.Trailers"/> once <see cref="ReadAsync"/> has returned null.
/// </summary>
internal sealed class StreamedBody(HttpReader reader, HttpRequest request, HttpLimits limits)
{
    private const int MaxPiece = 64 * 1024;
    private readonly bool _chunked = HttpRequestParser.IsChunked(request);
    private long _remaining = HttpRequestParser.IsChunked(request) ? 0 : HttpRequestParser.ContentLength(request);
    private long _total;

    /// <summary>True once the whole body (and any trailers) has been read.</summary>
    public bool Finished { get; private set; }

    /// <summary>The next piece of the body, or null at its end.</summary>
    /// <exception cref="HttpProtocolException">Bad chunk framing, or more than the drain limit.</exception>
    public async ValueTask<byte[]?> ReadAsync(CancellationToken cancellationToken)
    {
        if (Finished)
        {
            return null;
        }
        if (_remaining == 0 && _chunked)
        {
            if (_total > 0 && await reader.ReadLineAsync(cancellationToken) is not { Length: 0 })
            {
                throw new HttpProtocolException("chunk not followed by CRLF");
            }
            _remaining = await ReadChunkSizeAsync(cancellationToken);
            if (_remaining == 0)
            {
                await HttpRequestParser.ReadTrailersAsync(reader, request, limits, cancellationToken);
                Finished = true;
                return null;
            }
        }
        else if (_remaining == 0)
        {
            Finished = true;
            return null;
        }
        var piece = GC.AllocateUninitializedArray<byte>((int)Math.Min(_remaining, MaxPiece));
        await reader.ReadExactlyAsync(piece, cancellationToken);
        _remaining -= piece.Length;
        _total += piece.Length;
        if (_total > limits.MaxDrainBytes)
        {
            throw new HttpProtocolException("body too large", 413);
        }
        return piece;
    }

    /// <summary>Reads what the handler left unread, so the connection can serve its next request.</summary>
    public async ValueTask DrainAsync(CancellationToken cancellationToken)
    {
        while (await ReadAsync(cancellationToken) is not null)
        {
        }
    }

    private async ValueTask<long> ReadChunkSizeAsync(CancellationToken cancellationToken)
    {
        var sizeLine = await reader.ReadLineAsync(cancellationToken) ?? throw new HttpProtocolException("connection closed before a chunk size");
        var semicolon = sizeLine.IndexOf(';', StringComparison.Ordinal);
        var hex = (semicolon < 0 ? sizeLine : sizeLine[..semicolon]).Trim();
        if (hex.Length is 0 or > 15 || !long.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size))
        {
            throw new HttpProtocolException("invalid chunk size");
        }
        return size;
    }
}
