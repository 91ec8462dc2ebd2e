using System.Text;

namespace Lamina.Aws.Signing;

/// <summary>
/// The pieces of SigV4's canonical request, built from the request as it arrived on the wire.
/// Encoding follows AWS's rule: every byte except the unreserved characters <c>A-Z a-z 0-9 - _ . ~</c>
/// becomes <c>%XX</c> with upper-case hex.
/// </summary>
public static class SigV4Canonical
{
    /// <summary>
    /// The canonical URI of a raw (still percent-encoded) request path. All services but S3 normalize the
    /// path (dot segments and empty segments removed) and encode it once more, so an already-encoded
    /// <c>%3A</c> becomes <c>%253A</c>; S3 uses the path as sent (<paramref name="doubleEncode"/> false).
    /// </summary>
    public static string CanonicalUri(string rawPath, bool doubleEncode = true)
    {
        if (!doubleEncode) return rawPath.Length == 0 ? "/" : rawPath;
        var normalized = RemoveDotSegments(rawPath.Length == 0 ? "/" : rawPath);
        return Encode(normalized, keepSlash: true);
    }

    /// <summary>RFC 3986 dot-segment removal plus AWS's collapsing of consecutive slashes.</summary>
    public static string RemoveDotSegments(string path)
    {
        if (path.Length == 0) return "/";
        var output = new List<string>();
        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment == ".") continue;
            if (segment == "..")
            {
                if (output.Count > 0) output.RemoveAt(output.Count - 1);
                continue;
            }
            output.Add(segment);
        }
        var first = path[0] == '/' ? "/" : "";
        var last = path[^1] == '/' && output.Count > 0 ? "/" : "";
        return first + string.Join('/', output) + last;
    }

    /// <summary>
    /// The canonical query string of a raw query (with or without its leading '?'): each name and value
    /// decoded then re-encoded with AWS's rule, sorted by name then value, joined with '&amp;'.
    /// Names in <paramref name="exclude"/> (the presigned X-Amz-Signature) are left out.
    /// </summary>
    public static string CanonicalQuery(string rawQuery, string? exclude = null)
    {
        var query = rawQuery.StartsWith('?') ? rawQuery[1..] : rawQuery;
        if (query.Length == 0) return "";
        var pairs = new List<(string Name, string Value)>();
        foreach (var part in query.Split('&'))
        {
            if (part.Length == 0) continue;
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(eq < 0 ? part : part[..eq]);
            var value = eq < 0 ? "" : Uri.UnescapeDataString(part[(eq + 1)..]);
            if (exclude is not null && name == exclude) continue;
            pairs.Add((Encode(name, keepSlash: false), Encode(value, keepSlash: false)));
        }
        pairs.Sort(static (a, b) =>
        {
            var byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });
        return string.Join('&', pairs.Select(static p => p.Name + "=" + p.Value));
    }

    /// <summary>A header value trimmed, with runs of spaces collapsed to one (AWS's Trimall).</summary>
    public static string TrimAll(string value) =>
        string.Join(' ', value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries));

    /// <summary>AWS URI encoding of <paramref name="value"/>'s UTF-8 bytes; '/' kept as is when <paramref name="keepSlash"/>.</summary>
    public static string Encode(string value, bool keepSlash)
    {
        var builder = new StringBuilder(value.Length + 8);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in value.EnumerateRunes())
        {
            if (rune.IsAscii && (IsUnreserved((char)rune.Value) || (keepSlash && rune.Value == '/')))
            {
                builder.Append((char)rune.Value);
                continue;
            }
            var length = rune.EncodeToUtf8(utf8);
            for (var i = 0; i < length; i++) builder.Append('%').Append(utf8[i].ToString("X2", null));
        }
        return builder.ToString();
    }

    private static bool IsUnreserved(char c) =>
        c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.' or '~';
}
