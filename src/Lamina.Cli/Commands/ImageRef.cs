namespace Lamina.Cli.Commands;

/// <summary>A REPO:TAG or REPO@sha256:… argument; a bare REPO means the tag "latest".</summary>
internal sealed record ImageRef(string Repository, string? Tag, string? Digest)
{
    public static ImageRef Parse(string text)
    {
        string repo;
        string? tag = null, digest = null;
        var at = text.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0) (repo, digest) = (text[..at], text[(at + 1)..]);
        else
        {
            var colon = text.LastIndexOf(':');
            var slash = text.LastIndexOf('/');
            (repo, tag) = colon > slash ? (text[..colon], text[(colon + 1)..]) : (text, "latest");
        }
        if (repo.Length == 0 || tag?.Length == 0 || digest?.Length == 0)
            throw CliException.Usage($"'{text}' is not an image reference; use REPO:TAG or REPO@sha256:DIGEST.");
        return new(repo, tag, digest);
    }

    /// <summary>The ECR imageId object.</summary>
    public Dictionary<string, string> ImageId() => Digest is not null ? new() { ["imageDigest"] = Digest } : new() { ["imageTag"] = Tag! };

    public override string ToString() => Digest is not null ? $"{Repository}@{Digest}" : $"{Repository}:{Tag}";
}
