using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Lamina.Build.Tests.Fixtures;

/// <summary>
/// The tests' base image as an OCI layout: static busybox with the applets the Dockerfiles use, /etc/passwd with
/// root and app (1000), and files for RUN to modify and delete: /etc/removeme, /data/dir/{a,b}, /data/keep.
/// ENV PATH=/bin, CMD ["/bin/sh"].
/// </summary>
internal static class BaseImage
{
    private static readonly string[] Applets = ["sh", "cat", "echo", "rm", "mkdir", "touch", "ls", "ln", "mv", "chmod", "true", "false", "id", "sed", "test", "sleep"];

    public static void WriteLayout(string layoutDir, string tag)
    {
        var root = Directory.CreateTempSubdirectory("lamina-build-base-").FullName;
        try
        {
            foreach (var d in new[] { "bin", "etc", "tmp", "data/dir" }) Directory.CreateDirectory(Path.Combine(root, d));
            File.Copy("/bin/busybox", Path.Combine(root, "bin", "busybox"));
            foreach (var a in Applets) File.CreateSymbolicLink(Path.Combine(root, "bin", a), "busybox");
            File.WriteAllText(Path.Combine(root, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n");
            File.WriteAllText(Path.Combine(root, "etc", "group"), "root:x:0:\napp:x:1000:\n");
            File.WriteAllText(Path.Combine(root, "etc", "removeme"), "base\n");
            File.WriteAllText(Path.Combine(root, "data", "dir", "a"), "a\n");
            File.WriteAllText(Path.Combine(root, "data", "dir", "b"), "b\n");
            File.WriteAllText(Path.Combine(root, "data", "keep"), "keep\n");

            Directory.CreateDirectory(Path.Combine(layoutDir, "blobs", "sha256"));
            File.WriteAllText(Path.Combine(layoutDir, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
            var tar = new MemoryStream();
            TarFile.CreateFromDirectory(root, tar, includeBaseDirectory: false);
            var gz = new MemoryStream();
            using (var z = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) z.Write(tar.ToArray());
            var (layerDigest, layerSize) = Blob(layoutDir, gz.ToArray());
            var diffId = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(tar.ToArray()));
            var config = new JsonObject
            {
                ["architecture"] = "amd64",
                ["os"] = "linux",
                ["created"] = "2024-01-01T00:00:00Z",
                ["config"] = new JsonObject { ["Env"] = new JsonArray("PATH=/bin"), ["Cmd"] = new JsonArray("/bin/sh") },
                ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(diffId) },
                ["history"] = new JsonArray(new JsonObject { ["created_by"] = "test base" }),
            };
            var (configDigest, configSize) = Blob(layoutDir, Encoding.UTF8.GetBytes(config.ToJsonString()));
            var manifest = new JsonObject
            {
                ["schemaVersion"] = 2,
                ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
                ["config"] = Desc("application/vnd.oci.image.config.v1+json", configDigest, configSize),
                ["layers"] = new JsonArray(Desc("application/vnd.oci.image.layer.v1.tar+gzip", layerDigest, layerSize)),
            };
            var (manifestDigest, manifestSize) = Blob(layoutDir, Encoding.UTF8.GetBytes(manifest.ToJsonString()));
            var entry = Desc("application/vnd.oci.image.manifest.v1+json", manifestDigest, manifestSize);
            entry["annotations"] = new JsonObject { ["org.opencontainers.image.ref.name"] = tag };
            File.WriteAllText(Path.Combine(layoutDir, "index.json"), new JsonObject { ["schemaVersion"] = 2, ["manifests"] = new JsonArray(entry) }.ToJsonString());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static (string Digest, long Size) Blob(string layoutDir, byte[] bytes)
    {
        var hex = Convert.ToHexStringLower(SHA256.HashData(bytes));
        File.WriteAllBytes(Path.Combine(layoutDir, "blobs", "sha256", hex), bytes);
        return ("sha256:" + hex, bytes.Length);
    }

    private static JsonObject Desc(string mediaType, string digest, long size) =>
        new() { ["mediaType"] = mediaType, ["digest"] = digest, ["size"] = size };
}
