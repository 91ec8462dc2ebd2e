using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lamina.EndToEnd.Tests.Images;

/// <summary>
/// Writes an OCI image layout (image-spec "image-layout.md") directly — no tool in between, so the
/// test knows every digest it expects a registry to preserve:
/// <code>
/// DIR/oci-layout          {"imageLayoutVersion":"1.0.0"}
/// DIR/index.json          one entry per tag (annotation org.opencontainers.image.ref.name)
/// DIR/blobs/sha256/HEX    layers, configs, manifests and indexes
/// </code>
/// skopeo reads it as <c>oci:DIR:TAG</c>.
/// </summary>
public sealed class OciLayout
{
    public const string ManifestType = "application/vnd.oci.image.manifest.v1+json";
    public const string IndexType = "application/vnd.oci.image.index.v1+json";
    public const string ConfigType = "application/vnd.oci.image.config.v1+json";
    public const string LayerType = "application/vnd.oci.image.layer.v1.tar+gzip";
    private const string RefName = "org.opencontainers.image.ref.name";

    private readonly List<JsonObject> _tags = [];

    public OciLayout(string directory)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "blobs", "sha256"));
        File.WriteAllText(Path.Combine(directory, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        WriteIndex();
    }

    public string Directory { get; }

    /// <summary>skopeo's name for a tag in this layout.</summary>
    public string Reference(string tag) => $"oci:{Directory}:{tag}";

    public string BlobPath(string digest) => Path.Combine(Directory, "blobs", "sha256", digest["sha256:".Length..]);

    /// <summary>Adds a gzip layer holding <paramref name="files"/>.</summary>
    public Layer AddLayer(IReadOnlyDictionary<string, byte[]> files)
    {
        var tar = LayerContent.Tar(files);
        var gz = LayerContent.Gzip(tar);
        return new Layer(WriteBlob(LayerType, gz), Blob.Sha256(tar));
    }

    /// <summary>Adds the config and manifest of an image made of <paramref name="layers"/> (base first).</summary>
    public OciImage AddImage(IReadOnlyList<Layer> layers, string? tag = null, string os = "linux", string architecture = "amd64")
    {
        var config = new JsonObject
        {
            ["created"] = "2024-01-01T00:00:00Z",
            ["architecture"] = architecture,
            ["os"] = os,
            ["config"] = new JsonObject
            {
                ["Env"] = new JsonArray("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
                ["Cmd"] = new JsonArray("/bin/sh"),
                ["WorkingDir"] = "/",
                ["Labels"] = new JsonObject { ["built-by"] = "lamina-e2e-tests" },
            },
            ["rootfs"] = new JsonObject
            {
                ["type"] = "layers",
                ["diff_ids"] = new JsonArray([.. layers.Select(l => (JsonNode)l.DiffId)]),
            },
            ["history"] = new JsonArray([.. layers.Select(_ => (JsonNode)new JsonObject { ["created"] = "2024-01-01T00:00:00Z", ["created_by"] = "lamina-e2e-tests" })]),
        };
        var configBlob = WriteBlob(ConfigType, Encoding.UTF8.GetBytes(config.ToJsonString()));
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = ManifestType,
            ["config"] = Descriptor(configBlob),
            ["layers"] = new JsonArray([.. layers.Select(l => (JsonNode)Descriptor(l.Blob))]),
        };
        var manifestBlob = WriteBlob(ManifestType, Encoding.UTF8.GetBytes(manifest.ToJsonString()));
        var image = new OciImage(manifestBlob, configBlob, layers, os, architecture);
        if (tag is not null) Tag(tag, manifestBlob);
        return image;
    }

    /// <summary>Adds an image index (multi-platform image) over <paramref name="images"/>.</summary>
    public Blob AddIndex(IReadOnlyList<OciImage> images, string? tag = null)
    {
        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = IndexType,
            ["manifests"] = new JsonArray([.. images.Select(i =>
            {
                var d = Descriptor(i.Manifest);
                d["platform"] = new JsonObject { ["architecture"] = i.Architecture, ["os"] = i.Os };
                return (JsonNode)d;
            })]),
        };
        var blob = WriteBlob(IndexType, Encoding.UTF8.GetBytes(index.ToJsonString()));
        if (tag is not null) Tag(tag, blob);
        return blob;
    }

    /// <summary>Points <paramref name="tag"/> at <paramref name="target"/> in index.json.</summary>
    public void Tag(string tag, Blob target)
    {
        _tags.RemoveAll(t => t["annotations"]![RefName]!.GetValue<string>() == tag);
        var entry = Descriptor(target);
        entry["annotations"] = new JsonObject { [RefName] = tag };
        _tags.Add(entry);
        WriteIndex();
    }

    public Blob WriteBlob(string mediaType, byte[] content)
    {
        var blob = new Blob(mediaType, Blob.Sha256(content), content.Length);
        File.WriteAllBytes(BlobPath(blob.Digest), content);
        return blob;
    }

    private static JsonObject Descriptor(Blob blob) => new()
    {
        ["mediaType"] = blob.MediaType,
        ["digest"] = blob.Digest,
        ["size"] = blob.Size,
    };

    private void WriteIndex()
    {
        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = IndexType,
            ["manifests"] = new JsonArray([.. _tags.Select(t => (JsonNode)t.DeepClone())]),
        };
        File.WriteAllText(Path.Combine(Directory, "index.json"), index.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
