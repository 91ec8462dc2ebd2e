using System.Text.Json;

namespace Lamina.Cli.Push;

/// <summary>
/// Reads an OCI image layout directory (oci-layout, index.json, blobs/ALG/HEX) and picks the manifest to push:
/// the one whose org.opencontainers.image.ref.name annotation matches the requested tag, or the only one.
/// </summary>
internal sealed class OciLayout(string root)
{
    public const string RefNameAnnotation = "org.opencontainers.image.ref.name";

    public string Root { get; } = root;

    /// <summary>The chosen top-level descriptor (a manifest or an index) from index.json.</summary>
    public BlobRef SelectManifest(string? tag)
    {
        var indexPath = Path.Combine(Root, "index.json");
        if (!File.Exists(indexPath))
            throw CliException.Usage($"{Root} is not an OCI image layout: index.json is missing (create one with `skopeo copy docker://IMAGE oci:DIR:TAG`).");
        List<(BlobRef Ref, string? Name)> entries = [];
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(indexPath));
            foreach (var m in doc.RootElement.GetProperty("manifests").EnumerateArray())
            {
                string? name = m.TryGetProperty("annotations", out var a) && a.TryGetProperty(RefNameAnnotation, out var n) ? n.GetString() : null;
                entries.Add((BlobRef.From(m), name));
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw CliException.Usage($"{indexPath} is not a valid OCI index: {e.Message}");
        }
        if (tag is not null)
        {
            var matches = entries.Where(e => e.Name == tag).ToList();
            if (matches.Count == 0)
                throw CliException.Usage($"{Root} has no image tagged '{tag}'; it has: {string.Join(", ", entries.Select(e => e.Name ?? e.Ref.Digest))}.");
            return matches[0].Ref;
        }
        return entries.Count switch
        {
            0 => throw CliException.Usage($"{indexPath} lists no manifests."),
            1 => entries[0].Ref,
            _ => throw CliException.Usage($"{Root} holds {entries.Count} images; pick one with DIR:TAG ({string.Join(", ", entries.Select(e => e.Name ?? e.Ref.Digest))})."),
        };
    }

    /// <summary>The path of a blob, which must exist and have the size its descriptor states.</summary>
    public string BlobPath(BlobRef blob)
    {
        var colon = blob.Digest.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || blob.Digest.AsSpan(colon + 1).ContainsAny("/\\."))
            throw CliException.Usage($"invalid digest '{blob.Digest}' in {Root}.");
        var path = Path.Combine(Root, "blobs", blob.Digest[..colon], blob.Digest[(colon + 1)..]);
        var info = new FileInfo(path);
        if (!info.Exists) throw CliException.Usage($"{Root} is incomplete: blob {blob.Digest} is missing ({path}).");
        if (info.Length != blob.Size) throw CliException.Usage($"{Root} is corrupt: blob {blob.Digest} is {info.Length} bytes, its descriptor says {blob.Size}.");
        return path;
    }

    /// <summary>Every blob a manifest (or index) refers to, children first, manifests after their blobs.</summary>
    public List<BlobRef> BlobsOf(BlobRef manifest, List<BlobRef> manifestsInPushOrder)
    {
        var blobs = new List<BlobRef>();
        using var doc = JsonDocument.Parse(File.ReadAllBytes(BlobPath(manifest)));
        var root = doc.RootElement;
        if (root.TryGetProperty("manifests", out var children))
        {
            foreach (var child in children.EnumerateArray()) blobs.AddRange(BlobsOf(BlobRef.From(child), manifestsInPushOrder));
        }
        else
        {
            if (root.TryGetProperty("config", out var config)) blobs.Add(BlobRef.From(config));
            if (root.TryGetProperty("layers", out var layers)) blobs.AddRange(layers.EnumerateArray().Select(BlobRef.From));
        }
        manifestsInPushOrder.Add(manifest);
        return blobs;
    }
}

/// <summary>An OCI descriptor's essentials.</summary>
internal sealed record BlobRef(string MediaType, string Digest, long Size)
{
    public static BlobRef From(JsonElement descriptor) => new(
        descriptor.TryGetProperty("mediaType", out var m) ? m.GetString() ?? "" : "",
        descriptor.GetProperty("digest").GetString() ?? throw new InvalidOperationException("descriptor without digest"),
        descriptor.GetProperty("size").GetInt64());
}
