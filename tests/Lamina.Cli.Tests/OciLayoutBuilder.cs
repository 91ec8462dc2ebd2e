using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Lamina.Cli.Tests;

/// <summary>Writes a small OCI image layout (linux/amd64 config, one or more gzip tar layers) to a directory.</summary>
public static class OciLayoutBuilder
{
    public sealed record Layout(string Dir, string ManifestDigest, IReadOnlyList<string> BlobDigests, long LayerBytes);

    public static Layout Create(string dir, string tag, string seed, int layerKiB = 4, int layers = 1)
    {
        Directory.CreateDirectory(Path.Combine(dir, "blobs", "sha256"));
        File.WriteAllText(Path.Combine(dir, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        var blobs = new List<string>();
        var layerDescriptors = new List<string>();
        long layerBytes = 0;
        for (var i = 0; i < layers; i++)
        {
            var layer = Layer(seed + i, layerKiB);
            var d = WriteBlob(dir, layer);
            blobs.Add(d);
            layerBytes += layer.Length;
            layerDescriptors.Add($$"""{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{{d}}","size":{{layer.Length}}}""");
        }
        var config = Encoding.UTF8.GetBytes($$"""{"architecture":"amd64","os":"linux","config":{"Cmd":["/hello"]},"rootfs":{"type":"layers","diff_ids":[]},"seed":"{{seed}}"}""");
        var configDigest = WriteBlob(dir, config);
        blobs.Insert(0, configDigest);
        var manifest = Encoding.UTF8.GetBytes($$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
             "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{configDigest}}","size":{{config.Length}}},
             "layers":[{{string.Join(',', layerDescriptors)}}]}
            """);
        var manifestDigest = WriteBlob(dir, manifest);
        File.WriteAllText(Path.Combine(dir, "index.json"), $$$"""
            {"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{manifestDigest}}}","size":{{{manifest.Length}}},
             "annotations":{"org.opencontainers.image.ref.name":"{{{tag}}}"}}]}
            """);
        return new Layout(dir, manifestDigest, blobs, layerBytes);
    }

    private static byte[] Layer(string seed, int kib)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.NoCompression, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            // Random bytes so that the layer does not compress and its size is predictable.
            var data = RandomNumberGenerator.GetBytes(kib * 1024);
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "hello-" + seed) { DataStream = new MemoryStream(data) });
        }
        return buffer.ToArray();
    }

    private static string WriteBlob(string dir, byte[] bytes)
    {
        var hex = Convert.ToHexStringLower(SHA256.HashData(bytes));
        File.WriteAllBytes(Path.Combine(dir, "blobs", "sha256", hex), bytes);
        return "sha256:" + hex;
    }
}
