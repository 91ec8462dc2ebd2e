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

    /// <summary>
    /// The InvalidParameterValueException message for a URI <see cref="Parse"/> refused: AWS's sentence, with what is
    /// wrong and the shape expected (a user coming from <c>docker build -t name</c> often gives the local short name).
    /// </summary>
    public static string InvalidMessage(string uri)
    {
        var slash = uri.IndexOf('/', StringComparison.Ordinal);
        var host = slash > 0 ? uri[..slash] : "";
        var why = uri.Any(char.IsWhiteSpace) ? "it contains whitespace"
            : uri.Length > 1024 ? "it is longer than 1024 characters"
            : slash <= 0 || (!host.Contains('.', StringComparison.Ordinal) && !host.Contains(':', StringComparison.Ordinal) && host != "localhost")
                ? "it does not start with a registry host"
                : "its repository, tag or digest is malformed";
        return $"Source image {uri} is not valid: {why}. Provide a valid source image: REGISTRY/REPOSITORY:TAG or REGISTRY/REPOSITORY@sha256:DIGEST "
            + "(the repositoryUri that `aws ecr describe-repositories` shows, then the tag you pushed).";
    }
}
