using System.Text;

namespace Lamina.Agent.Http;

/// <summary>
/// Parses the lines of a request head straight from <see cref="HttpReader"/>'s buffer: only the parts a request
/// keeps become strings, and methods and the usual header names are shared instances, so a warm request allocates
/// its path and its header values, not a string per line and per split.
/// </summary>
internal static class HeadLines
{
    // Exact spellings (names keep the client's spelling, so only a byte-equal name is shared).
    private static readonly string[] KnownNames =
    [
        "Host", "Content-Length", "Content-Type", "Connection", "Expect", "Transfer-Encoding", "User-Agent", "Accept",
        "Accept-Encoding", "Lambda-Runtime-Function-Error-Type", "Lambda-Runtime-Function-Response-Mode",
        "X-Amz-Invocation-Type", "X-Amz-Client-Context", "X-Amzn-Trace-Id", "Lambda-Extension-Identifier",
        "Lambda-Extension-Name", "host", "content-length", "content-type", "connection", "user-agent", "accept",
    ];

    private static readonly string[] KnownMethods = ["GET", "POST", "PUT", "DELETE", "HEAD"];

    /// <summary>Parses a request line (method, target, version); null when <paramref name="line"/> is malformed.</summary>
    public static HttpRequest? RequestLine(ReadOnlySpan<byte> line)
    {
        var first = line.IndexOf((byte)' ');
        if (first <= 0)
        {
            return null;
        }
        var rest = line[(first + 1)..];
        var second = rest.IndexOf((byte)' ');
        if (second <= 0)
        {
            return null;
        }
        var target = rest[..second];
        var version = rest[(second + 1)..];
        if (version.Contains((byte)' ') || !version.StartsWith("HTTP/1."u8))
        {
            return null;
        }
        var question = target.IndexOf((byte)'?');
        return new HttpRequest
        {
            Method = Shared(line[..first], KnownMethods),
            Path = Encoding.Latin1.GetString(question < 0 ? target : target[..question]),
            Query = question < 0 ? "" : Encoding.Latin1.GetString(target[(question + 1)..]),
            Http10 = version.SequenceEqual("HTTP/1.0"u8),
        };
    }

    /// <summary>Adds one header (or trailer) field line to <paramref name="fields"/>.</summary>
    /// <exception cref="HttpProtocolException">The line is not <c>name: value</c>, or there are too many fields.</exception>
    public static void Field(ReadOnlySpan<byte> line, List<KeyValuePair<string, string>> fields, HttpLimits limits)
    {
        var colon = line.IndexOf((byte)':');
        if (colon <= 0 || line[colon - 1] is (byte)' ' or (byte)'\t' || line[0] is (byte)' ' or (byte)'\t')
        {
            throw new HttpProtocolException("malformed header field");
        }
        if (fields.Count >= limits.MaxHeaderCount)
        {
            throw new HttpProtocolException("too many header fields", 431);
        }
        fields.Add(new(Shared(line[..colon], KnownNames), Encoding.Latin1.GetString(line[(colon + 1)..].Trim(" \t"u8))));
    }

    private static string Shared(ReadOnlySpan<byte> bytes, string[] known)
    {
        foreach (var candidate in known)
        {
            if (candidate.Length == bytes.Length && Ascii.Equals(bytes, candidate))
            {
                return candidate;
            }
        }
        return Encoding.Latin1.GetString(bytes);
    }
}
