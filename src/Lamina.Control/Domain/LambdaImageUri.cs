using Lamina.Oci;

namespace Lamina.Control.Domain;

/// <summary>
/// Code.ImageUri as Lambda accepts it: <c>HOST[:PORT]/REPOSITORY(:TAG|@DIGEST)</c>. The grammar is
/// <see cref="ImageReference"/>'s; Lambda adds that the registry host must be explicit, so a bare
/// "repo:tag" (a Docker Hub short name) is not an image URI.
/// </summary>
public static class LambdaImageUri
{
    /// <summary>Parses <paramref name="uri"/>; null when it is not an image reference with an explicit registry host.</summary>
    public static ImageReference? Parse(string? uri)
    {
        if (string.IsNullOrEmpty(uri) || uri.Length > 1024 || uri.Any(char.IsWhiteSpace)) return null;
        var slash = uri.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0) return null;
        var host = uri[..slash];
        if (!host.Contains('.', StringComparison.Ordinal) && !host.Contains(':', StringComparison.Ordinal) && host != "localhost") return null;
        return ImageReference.TryParse(uri, out var reference, out _) ? reference : null;
    }
}
