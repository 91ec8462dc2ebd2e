using System.Formats.Tar;
using System.Text;
using System.Text.Json.Nodes;
using Lamina.Oci;

namespace Lamina.Build.Output;

/// <summary>
/// Writes a <see cref="BuiltImage"/> as an OCI image layout: <c>oci-layout</c>, <c>index.json</c> (one manifest,
/// annotated with <c>org.opencontainers.image.ref.name</c> when a tag is given) and <c>blobs/sha256/…</c> —
/// as a directory, or as an uncompressed tar of the same tree (what <c>docker buildx --output type=oci</c> writes).
/// </summary>
public static class OciLayoutWriter
{
    private const string RefName = "org.opencontainers.image.ref.name";

    /// <summary>Writes (or adds to) the layout directory <paramref name="directory"/>.</summary>
    public static void WriteDirectory(BuiltImage image, string directory, string? tag)
    {
        var blobs = Path.Combine(directory, "blobs", "sha256");
        Directory.CreateDirectory(blobs);
        foreach (var digest in Digests(image))
        {
            var target = Path.Combine(blobs, digest.Encoded);
            if (!File.Exists(target)) File.Copy(image.Blobs.PathOf(digest), target);
        }
        File.WriteAllText(Path.Combine(directory, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        File.WriteAllBytes(Path.Combine(directory, "index.json"), Index(image, tag));
    }

    /// <summary>Writes the layout as a tar archive at <paramref name="path"/> (replaced atomically).</summary>
    public static void WriteArchive(BuiltImage image, string path, string? tag)
    {
        var tmp = path + ".tmp";
        using (var file = File.Create(tmp))
        using (var tar = new TarWriter(file, TarEntryFormat.Pax))
        {
            void Bytes(string name, byte[] data)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data), Mode = (UnixFileMode)0x1A4 });
            }
            Bytes("oci-layout", """{"imageLayoutVersion":"1.0.0"}"""u8.ToArray());
            Bytes("index.json", Index(image, tag));
            foreach (var dir in new[] { "blobs/", "blobs/sha256/" })
                tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, dir) { Mode = (UnixFileMode)0x1ED });
            foreach (var digest in Digests(image))
            {
                using var blob = File.OpenRead(image.Blobs.PathOf(digest));
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "blobs/sha256/" + digest.Encoded) { DataStream = blob, Mode = (UnixFileMode)0x1A4 });
            }
        }
        File.Move(tmp, path, overwrite: true);
    }

    private static IEnumerable<Digest> Digests(BuiltImage image) =>
        image.Layers.Select(l => l.Digest).Append(image.ConfigDigest).Append(image.ManifestDigest).Distinct();

    private static byte[] Index(BuiltImage image, string? tag)
    {
        var entry = new JsonObject
        {
            ["mediaType"] = MediaTypes.OciManifest,
            ["digest"] = image.ManifestDigest.ToString(),
            ["size"] = image.Manifest.Length,
        };
        if (tag is not null) entry["annotations"] = new JsonObject { [RefName] = tag };
        var index = new JsonObject { ["schemaVersion"] = 2, ["mediaType"] = MediaTypes.OciIndex, ["manifests"] = new JsonArray(entry) };
        return Encoding.UTF8.GetBytes(index.ToJsonString());
    }
}
