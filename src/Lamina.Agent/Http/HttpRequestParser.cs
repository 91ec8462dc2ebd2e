using System.Buffers;
using System.Globalization;

namespace Lamina.Agent.Http;

/// <summary>
/// Reads one request (head and body) from an <see cref="HttpReader"/>. Framing follows
/// RFC 9112: Transfer-Encoding chunked wins over Content-Length; a request with neither has no
/// body. A body over <see cref="HttpLimits.MaxBodyBytes"/> is read and dropped (up to
/// <see cref="HttpLimits.MaxDrainBytes"/>) so the connection stays usable for the 413 answer.
/// </summary>
internal static class HttpRequestParser
{
    /// <summary>Reads the head; null when the peer closed the connection between requests.</summary>
    public static async ValueTask<HttpRequest?> ReadHeadAsync(HttpReader reader, HttpLimits limits, CancellationToken cancellationToken)
    {
        HttpRequest? request;
        bool found;
        while (!TakeRequestLine(reader, out found, out request) || !found)
        {
            if (!found && !await reader.FillAsync(cancellationToken))
            {
                if (!reader.HasBuffered)
                {
                    return null;
                }
                throw new HttpProtocolException("connection closed in the middle of a line");
            }
        }
        if (request is null)
        {
            throw new HttpProtocolException("malformed request line");
        }
        await ReadFieldsAsync(reader, request.Headers, limits, cancellationToken);
        return request;
    }

    /// <summary>Takes one buffered line before the head's fields: false with <paramref name="found"/> true for an empty
    /// line (RFC 9112 §2.2: ignore at least one before the request line), false with it false when no line is buffered;
    /// true with the parsed request line (null when malformed).</summary>
    private static bool TakeRequestLine(HttpReader reader, out bool found, out HttpRequest? request)
    {
        request = null;
        found = reader.TryTakeLine(out var line);
        if (!found || line.IsEmpty)
        {
            return false;
        }
        request = HeadLines.RequestLine(line);
        return true;
    }

    /// <summary>Reads the body announced by the head into <see cref="HttpRequest.Body"/>.</summary>
    public static async ValueTask ReadBodyAsync(HttpReader reader, HttpRequest request, HttpLimits limits, CancellationToken cancellationToken)
    {
        if (IsChunked(request))
        {
            await ReadChunkedAsync(reader, request, limits, cancellationToken);
            return;
        }
        var length = ContentLength(request);
        if (length > limits.MaxBodyBytes)
        {
            request.BodyTooLarge = true;
            await reader.SkipAsync(length, cancellationToken);
            return;
        }
        if (length > 0)
        {
            var body = GC.AllocateUninitializedArray<byte>((int)length);
            await reader.ReadExactlyAsync(body, cancellationToken);
            request.Body = body;
        }
    }

    /// <summary>The declared Content-Length, 0 when absent.</summary>
    /// <exception cref="HttpProtocolException">The value is not a non-negative integer or is too large to drain.</exception>
    public static long ContentLength(HttpRequest request, HttpLimits? limits = null)
    {
        var value = request.Header("Content-Length");
        if (value is null)
        {
            return 0;
        }
        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            throw new HttpProtocolException("invalid Content-Length");
        }
        if (limits is not null && length > limits.MaxDrainBytes)
        {
            throw new HttpProtocolException("body too large", 413);
        }
        return length;
    }

    public static bool IsChunked(HttpRequest request) =>
        request.Header("Transfer-Encoding") is { } te && te.Contains("chunked", StringComparison.OrdinalIgnoreCase);

    private static async ValueTask ReadChunkedAsync(HttpReader reader, HttpRequest request, HttpLimits limits, CancellationToken cancellationToken)
    {
        var body = new ArrayBufferWriter<byte>();
        long total = 0;
        while (true)
        {
            var sizeLine = await reader.ReadLineAsync(cancellationToken) ?? throw new HttpProtocolException("connection closed before a chunk size");
            var semicolon = sizeLine.IndexOf(';', StringComparison.Ordinal);
            var hex = (semicolon < 0 ? sizeLine : sizeLine[..semicolon]).Trim();
            if (hex.Length is 0 or > 15 || !long.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size))
            {
                throw new HttpProtocolException("invalid chunk size");
            }
            if (size == 0)
            {
                break;
            }
            total += size;
            if (total > limits.MaxDrainBytes)
            {
                throw new HttpProtocolException("body too large", 413);
            }
            if (total > limits.MaxBodyBytes)
            {
                request.BodyTooLarge = true;
                await reader.SkipAsync(size, cancellationToken);
            }
            else
            {
                await reader.ReadExactlyAsync(body.GetMemory((int)size)[..(int)size], cancellationToken);
                body.Advance((int)size);
            }
            if (await reader.ReadLineAsync(cancellationToken) is not { Length: 0 })
            {
                throw new HttpProtocolException("chunk not followed by CRLF");
            }
        }
        await ReadFieldsAsync(reader, request.Trailers, limits, cancellationToken);
        request.Body = request.BodyTooLarge ? [] : body.WrittenSpan.ToArray();
    }

    /// <summary>Reads the trailer section that ends a chunked body (used by <see cref="StreamedBody"/>).</summary>
    public static ValueTask ReadTrailersAsync(HttpReader reader, HttpRequest request, HttpLimits limits, CancellationToken cancellationToken) =>
        ReadFieldsAsync(reader, request.Trailers, limits, cancellationToken);

    private static async ValueTask ReadFieldsAsync(HttpReader reader, List<KeyValuePair<string, string>> fields, HttpLimits limits, CancellationToken cancellationToken)
    {
        while (!TakeFields(reader, fields, limits))
        {
            if (!await reader.FillAsync(cancellationToken))
            {
                throw new HttpProtocolException(reader.HasBuffered ? "connection closed in the middle of a line" : "connection closed in the header section");
            }
        }
    }

    /// <summary>Adds the buffered field lines; true once the empty line that ends the section was taken.</summary>
    private static bool TakeFields(HttpReader reader, List<KeyValuePair<string, string>> fields, HttpLimits limits)
    {
        while (reader.TryTakeLine(out var line))
        {
            if (line.IsEmpty)
            {
                return true;
            }
            HeadLines.Field(line, fields, limits);
        }
        return false;
    }
}
