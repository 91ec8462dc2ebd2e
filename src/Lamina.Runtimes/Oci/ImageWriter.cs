using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Lamina.Oci;
using Lamina.Runtimes.Layers;

namespace Lamina.Runtimes.Oci;

/// <summary>
/// Writes an image's config and manifest as blobs of an OCI layout, with fixed property order and the
/// build epoch as the only time: the same layers give the same manifest digest.
/// </summary>
internal static class ImageWriter
{
    private const string RefNameAnnotation = "org.opencontainers.image.ref.name";

    public const string BaseEnvPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>Writes config and manifest blobs; returns the manifest's (digest, size).</summary>
    public static (string Digest, long Size) Write(string blobsDirectory, RuntimeImage image, string tag, IReadOnlyList<(LayerBlob Blob, string CreatedBy)> layers, DateTimeOffset epoch)
    {
        var created = epoch.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var config = Json(w =>
        {
            w.WriteString("created", created);
            w.WriteString("architecture", "amd64");
            w.WriteString("os", "linux");
            w.WriteStartObject("config");
            w.WriteStartArray("Env");
            foreach (var e in (string[])[BaseEnvPath, "LANG=C.UTF-8", "TZ=:/etc/localtime", "LAMBDA_TASK_ROOT=/var/task", "LAMBDA_RUNTIME_DIR=/var/runtime", .. image.Env])
                w.WriteStringValue(e);
            w.WriteEndArray();
            w.WriteStartArray("Entrypoint");
            w.WriteStringValue("/lambda-entrypoint.sh");
            w.WriteEndArray();
            w.WriteStartArray("Cmd");
            foreach (var c in image.Cmd) w.WriteStringValue(c);
            w.WriteEndArray();
            w.WriteString("WorkingDir", "/var/task");
            w.WriteStartObject("Labels");
            w.WriteString("org.opencontainers.image.title", image.Repository + ":" + tag);
            w.WriteString("org.opencontainers.image.vendor", "Lamina");
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject("rootfs");
            w.WriteString("type", "layers");
            w.WriteStartArray("diff_ids");
            foreach (var (blob, _) in layers) w.WriteStringValue(blob.DiffId);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartArray("history");
            foreach (var (_, createdBy) in layers)
            {
                w.WriteStartObject();
                w.WriteString("created", created);
                w.WriteString("created_by", createdBy);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
        var configRef = Store(blobsDirectory, config);
        var manifest = Json(w =>
        {
            w.WriteNumber("schemaVersion", 2);
            w.WriteString("mediaType", MediaTypes.OciManifest);
            Descriptor(w, "config", MediaTypes.OciConfig, configRef.Digest, configRef.Size);
            w.WriteStartArray("layers");
            foreach (var (blob, _) in layers) Descriptor(w, null, MediaTypes.OciLayerGzip, blob.Digest, blob.Size);
            w.WriteEndArray();
        });
        return Store(blobsDirectory, manifest);
    }

    /// <summary>
    /// Refuses a directory that holds files but is not an OCI layout (nothing in it is touched), and returns the
    /// existing index.json's entries (ref name, raw JSON), so that a build adds to a layout and never drops
    /// another image's entry.
    /// </summary>
    public static List<(string? RefName, string Raw)> ReadExistingIndex(string layoutDirectory)
    {
        if (!Directory.Exists(layoutDirectory) || !Directory.EnumerateFileSystemEntries(layoutDirectory).Any()) return [];
        var indexPath = Path.Combine(layoutDirectory, "index.json");
        if (!File.Exists(indexPath) || !File.Exists(Path.Combine(layoutDirectory, "oci-layout")))
            throw new RuntimeBuildException($"{layoutDirectory} is not empty and not an OCI image layout: give a new or empty directory.");
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(indexPath));
            return [.. doc.RootElement.GetProperty("manifests").EnumerateArray().Select(m =>
                (m.TryGetProperty("annotations", out var a) && a.TryGetProperty(RefNameAnnotation, out var n) ? n.GetString() : null, m.GetRawText()))];
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new RuntimeBuildException($"{indexPath} is not a valid OCI index ({e.Message}): give a new or empty directory.");
        }
    }

    /// <summary>Writes oci-layout and index.json: <paramref name="kept"/> entries first, then each new manifest by its ref name.</summary>
    public static void WriteIndex(string layoutDirectory, IReadOnlyList<string> kept, IReadOnlyList<(string RefName, string Digest, long Size)> manifests)
    {
        File.WriteAllText(Path.Combine(layoutDirectory, "oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        var index = Json(w =>
        {
            w.WriteNumber("schemaVersion", 2);
            w.WriteString("mediaType", MediaTypes.OciIndex);
            w.WriteStartArray("manifests");
            foreach (var raw in kept) w.WriteRawValue(raw);
            foreach (var (refName, digest, size) in manifests)
            {
                w.WriteStartObject();
                w.WriteString("mediaType", MediaTypes.OciManifest);
                w.WriteString("digest", digest);
                w.WriteNumber("size", size);
                w.WriteStartObject("annotations");
                w.WriteString(RefNameAnnotation, refName);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
        var temporary = Path.Combine(layoutDirectory, "index.json.tmp");
        File.WriteAllBytes(temporary, index);
        File.Move(temporary, Path.Combine(layoutDirectory, "index.json"), overwrite: true);
    }

    private static void Descriptor(Utf8JsonWriter w, string? property, string mediaType, string digest, long size)
    {
        if (property is null) w.WriteStartObject(); else w.WriteStartObject(property);
        w.WriteString("mediaType", mediaType);
        w.WriteString("digest", digest);
        w.WriteNumber("size", size);
        w.WriteEndObject();
    }

    private static byte[] Json(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return stream.ToArray();
    }

    private static (string Digest, long Size) Store(string blobsDirectory, byte[] content)
    {
        var hex = Convert.ToHexStringLower(SHA256.HashData(content));
        File.WriteAllBytes(Path.Combine(blobsDirectory, hex), content);
        return ("sha256:" + hex, content.Length);
    }
}
