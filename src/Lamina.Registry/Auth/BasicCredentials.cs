using System.Buffers.Text;
using System.Text;

namespace Lamina.Registry.Auth;

/// <summary>The user and password of an HTTP Basic <c>Authorization</c> header (RFC 7617).</summary>
public readonly record struct BasicCredentials(string User, string Password)
{
    /// <summary>Parses <c>Basic base64(user:password)</c>; null when the header is not Basic or is malformed.</summary>
    public static BasicCredentials? Parse(string? header)
    {
        if (header is null || !header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return null;
        var encoded = header[6..].Trim();
        if (!Base64.IsValid(encoded, out var length) || length > 16384) return null;
        var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? null : new BasicCredentials(decoded[..colon], decoded[(colon + 1)..]);
    }

    public string ToHeader() => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(User + ":" + Password));
}
