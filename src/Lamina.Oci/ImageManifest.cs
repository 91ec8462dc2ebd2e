using System.Text.Json;

namespace Lamina.Oci;

/// <summary>
/// A parsed and validated manifest: an image manifest (OCI or Docker v2 schema 2) or an
/// index (OCI image index or Docker manifest list). Parsing never throws on bad input;
/// <see cref="TryParse"/> returns the reason instead.
/// </summary>
public sealed class ImageManifest
{
    /// <summary>The distribution spec asks registries to accept manifests of at least 4 MiB; larger ones are refused.</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    private ImageManifest(string mediaType, Descriptor? config, IReadOnlyList<Descriptor> layers,
        IReadOnlyList<Descriptor> manifests, Descriptor? subject, string? artifactType,
        IReadOnlyDictionary<string, string>? annotations)
    {
        MediaType = mediaType;
        Config = config;
        Layers = layers;
        Manifests = manifests;
        Subject = subject;
        ArtifactType = artifactType;
        Annotations = annotations;
    }

    public string MediaType { get; }
    public bool IsIndex => MediaTypes.IsIndex(MediaType);

    /// <summary>The config blob of an image manifest; null for an index.</summary>
    public Descriptor? Config { get; }
    public IReadOnlyList<Descriptor> Layers { get; }

    /// <summary>The child manifests of an index; empty for an image manifest.</summary>
    public IReadOnlyList<Descriptor> Manifests { get; }
    public Descriptor? Subject { get; }

    /// <summary>The manifest's artifactType, or for an image manifest without one, its config media type (as the referrers API reports it).</summary>
    public string? ArtifactType { get; }
    public IReadOnlyDictionary<string, string>? Annotations { get; }

    /// <summary>Blobs this manifest needs in the repository: config and layers.</summary>
    public IEnumerable<Descriptor> BlobReferences => Config is null ? Layers : Layers.Prepend(Config);

    /// <summary>
    /// Parses <paramref name="content"/>. <paramref name="contentType"/> is the Content-Type the client sent;
    /// when the document carries its own mediaType the two must agree.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> content, string? contentType, out ImageManifest? manifest, out string error)
    {
        manifest = null;
        if (content.Length > MaxBytes) { error = $"manifest is {content.Length} bytes, the limit is {MaxBytes}"; return false; }
        JsonDocument doc;
        try
        {
            var reader = new Utf8JsonReader(content, new JsonReaderOptions { MaxDepth = 64 });
            doc = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            error = "manifest is not valid JSON: " + e.Message;
            return false;
        }
        using (doc)
        {
            try
            {
                return TryParse(doc.RootElement, contentType, out manifest, out error);
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or KeyNotFoundException)
            {
                error = "manifest has a field of the wrong type: " + e.Message;
                return false;
            }
        }
    }

    private static bool TryParse(JsonElement root, string? contentType, out ImageManifest? manifest, out string error)
    {
        manifest = null;
        if (root.ValueKind != JsonValueKind.Object) { error = "manifest must be a JSON object"; return false; }
        if (!root.TryGetProperty("schemaVersion", out var schema) || schema.ValueKind != JsonValueKind.Number || schema.GetInt32() != 2)
        {
            error = "schemaVersion must be 2";
            return false;
        }
        var declared = root.TryGetProperty("mediaType", out var mt) && mt.ValueKind == JsonValueKind.String ? mt.GetString() : null;
        contentType = NormalizeContentType(contentType);
        if (declared is not null && contentType is not null && declared != contentType)
        {
            error = $"mediaType '{declared}' does not match Content-Type '{contentType}'";
            return false;
        }
        var mediaType = declared ?? contentType ?? Guess(root);
        if (mediaType is null) { error = "manifest media type is unknown"; return false; }
        if (!MediaTypes.IsManifest(mediaType)) { error = $"unsupported manifest media type '{mediaType}'"; return false; }

        var artifactType = root.TryGetProperty("artifactType", out var at) && at.ValueKind == JsonValueKind.String ? at.GetString() : null;
        Descriptor? subject = null;
        if (root.TryGetProperty("subject", out var sub) && sub.ValueKind != JsonValueKind.Null)
        {
            if (!TryDescriptor(sub, "subject", out subject, out error)) return false;
        }
        var annotations = ReadAnnotations(root);

        if (MediaTypes.IsIndex(mediaType))
        {
            if (!root.TryGetProperty("manifests", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                error = "an index needs a manifests array";
                return false;
            }
            var children = new List<Descriptor>();
            foreach (var item in list.EnumerateArray())
            {
                if (!TryDescriptor(item, "manifests[]", out var d, out error)) return false;
                children.Add(d!);
            }
            manifest = new ImageManifest(mediaType, null, [], children, subject, artifactType, annotations);
            error = "";
            return true;
        }

        if (!root.TryGetProperty("config", out var cfg)) { error = "an image manifest needs a config descriptor"; return false; }
        if (!TryDescriptor(cfg, "config", out var config, out error)) return false;
        var layers = new List<Descriptor>();
        if (root.TryGetProperty("layers", out var ls))
        {
            if (ls.ValueKind != JsonValueKind.Array) { error = "layers must be an array"; return false; }
            foreach (var item in ls.EnumerateArray())
            {
                if (!TryDescriptor(item, "layers[]", out var d, out error)) return false;
                layers.Add(d!);
            }
        }
        else if (mediaType == MediaTypes.DockerManifest)
        {
            error = "a Docker image manifest needs a layers array";
            return false;
        }
        manifest = new ImageManifest(mediaType, config, layers, [], subject, artifactType ?? config!.MediaType, annotations);
        error = "";
        return true;
    }

    private static string? NormalizeContentType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType)) return null;
        var semi = contentType.IndexOf(';', StringComparison.Ordinal);
        var bare = (semi >= 0 ? contentType[..semi] : contentType).Trim();
        // Generic types say nothing about the manifest kind; the document's own mediaType decides.
        return bare is "application/json" or "application/octet-stream" or "" ? null : bare;
    }

    private static string? Guess(JsonElement root)
    {
        if (root.TryGetProperty("manifests", out _)) return MediaTypes.OciIndex;
        if (root.TryGetProperty("config", out _)) return MediaTypes.OciManifest;
        return null;
    }

    private static bool TryDescriptor(JsonElement e, string where, out Descriptor? descriptor, out string error)
    {
        descriptor = null;
        if (e.ValueKind != JsonValueKind.Object) { error = $"{where} must be an object"; return false; }
        if (!e.TryGetProperty("mediaType", out var mt) || mt.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(mt.GetString()))
        {
            error = $"{where} needs a mediaType";
            return false;
        }
        if (!e.TryGetProperty("digest", out var dg) || dg.ValueKind != JsonValueKind.String || !Digest.TryParse(dg.GetString(), out var digest))
        {
            error = $"{where} has a missing or invalid digest";
            return false;
        }
        if (!e.TryGetProperty("size", out var sz) || sz.ValueKind != JsonValueKind.Number || !sz.TryGetInt64(out var size) || size < 0)
        {
            error = $"{where} has a missing or invalid size";
            return false;
        }
        Platform? platform = null;
        if (e.TryGetProperty("platform", out var p) && p.ValueKind == JsonValueKind.Object)
        {
            platform = new Platform(
                p.TryGetProperty("architecture", out var a) ? a.GetString() ?? "" : "",
                p.TryGetProperty("os", out var o) ? o.GetString() ?? "" : "",
                p.TryGetProperty("variant", out var v) ? v.GetString() : null);
        }
        var artifactType = e.TryGetProperty("artifactType", out var at) && at.ValueKind == JsonValueKind.String ? at.GetString() : null;
        descriptor = new Descriptor(mt.GetString()!, digest, size, artifactType, platform, ReadAnnotations(e));
        error = "";
        return true;
    }

    private static Dictionary<string, string>? ReadAnnotations(JsonElement e)
    {
        if (!e.TryGetProperty("annotations", out var a) || a.ValueKind != JsonValueKind.Object) return null;
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in a.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.String) result[p.Name] = p.Value.GetString()!;
        }
        return result;
    }
}
