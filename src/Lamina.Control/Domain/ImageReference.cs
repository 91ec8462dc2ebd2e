namespace Lamina.Control.Domain;

/// <summary>
/// A parsed container image reference as Lambda accepts it in Code.ImageUri:
/// <c>HOST[:PORT]/REPOSITORY(:TAG|@DIGEST)</c>. Lambda requires a registry host, so a bare
/// "repo:tag" (a Docker Hub short name) is not an image URI.
/// </summary>
public sealed record ImageReference(string Host, string Repository, string? Tag, string? Digest)
{
    /// <summary>Parses <paramref name="uri"/>; null when it is not HOST/REPOSITORY with a tag or digest.</summary>
    public static ImageReference? Parse(string uri)
    {
        if (string.IsNullOrEmpty(uri) || uri.Length > 1024 || uri.Any(char.IsWhiteSpace)) return null;
        var slash = uri.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0) return null;
        var host = uri[..slash];
        if (!host.Contains('.', StringComparison.Ordinal) && !host.Contains(':', StringComparison.Ordinal) && host != "localhost") return null;
        var rest = uri[(slash + 1)..];
        string? tag = null, digest = null;
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            digest = rest[(at + 1)..];
            rest = rest[..at];
            if (!Oci.Digest.TryParse(digest, out _)) return null;
        }
        else
        {
            var colon = rest.LastIndexOf(':');
            if (colon > 0)
            {
                tag = rest[(colon + 1)..];
                rest = rest[..colon];
            }
            else
            {
                tag = "latest";
            }
        }
        if (rest.Length == 0 || !Oci.RepositoryName.IsValid(rest)) return null;
        return new ImageReference(host, rest, tag, digest);
    }

    /// <summary>"HOST/REPOSITORY" of <paramref name="uri"/> (the part before ":tag" or "@digest").</summary>
    public static string WithoutTagOrDigest(string uri)
    {
        var parsed = Parse(uri);
        return parsed is null ? uri : parsed.Host + "/" + parsed.Repository;
    }
}
