using System.Diagnostics.CodeAnalysis;

namespace Lamina.Oci;

/// <summary>
/// A reference to an image: <c>[registry/]repository[:tag][@digest]</c>, as docker and skopeo spell it.
/// The first path component is a registry host when it contains '.' or ':' or is "localhost"; otherwise the
/// registry is docker.io (with "library/" for one-component names). Without tag or digest the tag is "latest".
/// </summary>
public sealed record ImageReference(string Registry, string Repository, string? Tag, Digest? Digest)
{
    public const string DefaultRegistry = "docker.io";

    /// <summary>What to ask the registry's manifests endpoint for: the digest when present, else the tag.</summary>
    public string Reference => Digest?.ToString() ?? Tag ?? "latest";

    public override string ToString() =>
        $"{Registry}/{Repository}{(Tag is null ? "" : ":" + Tag)}{(Digest is null ? "" : "@" + Digest)}";

    public static ImageReference Parse(string value) =>
        TryParse(value, out var reference, out var error) ? reference : throw new FormatException(error);

    public static bool TryParse(string? value, [NotNullWhen(true)] out ImageReference? reference, out string error)
    {
        reference = null;
        if (string.IsNullOrWhiteSpace(value)) { error = "image reference is empty"; return false; }
        var rest = value;
        Digest? digest = null;
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            if (!Oci.Digest.TryParse(rest[(at + 1)..], out var d)) { error = $"'{value}' has an invalid digest"; return false; }
            digest = d;
            rest = rest[..at];
        }
        var registry = DefaultRegistry;
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0)
        {
            var first = rest[..slash];
            if (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost")
            {
                registry = first;
                rest = rest[(slash + 1)..];
            }
        }
        string? tag = null;
        var colon = rest.LastIndexOf(':');
        if (colon > rest.LastIndexOf('/'))
        {
            tag = rest[(colon + 1)..];
            rest = rest[..colon];
            if (!RepositoryName.IsValidTag(tag)) { error = $"'{value}' has an invalid tag"; return false; }
        }
        if (registry == DefaultRegistry && !rest.Contains('/', StringComparison.Ordinal)) rest = "library/" + rest;
        if (!RepositoryName.IsValid(rest)) { error = $"'{value}' has an invalid repository name '{rest}'"; return false; }
        if (tag is null && digest is null) tag = "latest";
        reference = new ImageReference(registry, rest, tag, digest);
        error = "";
        return true;
    }
}
