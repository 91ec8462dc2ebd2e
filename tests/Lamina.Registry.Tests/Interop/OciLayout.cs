using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Lamina.Oci;

namespace Lamina.Registry.Tests.Interop;

/// <summary>Writes a small but real OCI image layout (gzip tar layer, image config, manifest, index) for real clients to push.</summary>
internal static class OciLayout
{
    public static Digest Create(string dir, string tag, int randomBytes)
    {
        Directory.CreateDirectory(Path.Combine(dir, "blobs", "sha256"));
        File.WriteAllText(Path.Combine(dir, "oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");

        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, leaveOpen: true))
        {
            var payload = new byte[randomBytes];
            Random.Shared.NextBytes(payload);
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "hello.bin") { DataStream = new MemoryStream(payload) });
        }
        var diffId = Digest.Compute(tar.ToArray());
        var gz = new MemoryStream();
        using (var gzip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(tar.ToArray());
        var layer = Write(dir, gz.ToArray());
        var config = Write(dir, Encoding.UTF8.GetBytes(
            $"{{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{{\"Cmd\":[\"/hello\"]}},\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[\"{diffId}\"]}}}}"));
        var manifestBytes = Encoding.UTF8.GetBytes(
            $"{{\"schemaVersion\":2,\"mediaType\":\"{MediaTypes.OciManifest}\"," +
            $"\"config\":{{\"mediaType\":\"{MediaTypes.OciConfig}\",\"digest\":\"{config.Digest}\",\"size\":{config.Size}}}," +
            $"\"layers\":[{{\"mediaType\":\"{MediaTypes.OciLayerGzip}\",\"digest\":\"{layer.Digest}\",\"size\":{layer.Size}}}]}}");
        var manifest = Write(dir, manifestBytes);
        File.WriteAllText(Path.Combine(dir, "index.json"),
            $"{{\"schemaVersion\":2,\"manifests\":[{{\"mediaType\":\"{MediaTypes.OciManifest}\",\"digest\":\"{manifest.Digest}\",\"size\":{manifest.Size}," +
            $"\"annotations\":{{\"org.opencontainers.image.ref.name\":\"{tag}\"}}}}]}}");
        return manifest.Digest;
    }

    private static (Digest Digest, long Size) Write(string dir, byte[] bytes)
    {
        var digest = Digest.Compute(bytes);
        File.WriteAllBytes(Path.Combine(dir, "blobs", "sha256", digest.Encoded), bytes);
        return (digest, bytes.Length);
    }
}
