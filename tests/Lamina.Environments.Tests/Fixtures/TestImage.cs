using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Lamina.Environments.Tests.Fixtures;

/// <summary>
/// Writes the test image as an OCI layout with two gzip layers: a base with the glibc the agent links
/// against (what `ldd lamina-init` lists, plus the loader) and static busybox, and a function layer with
/// the static echo runtime at /var/task/bootstrap. CMD ["/var/task/bootstrap"], WORKDIR /var/task.
/// </summary>
internal static class TestImage
{
    /// <param name="variant">When set, the runtime is built with -DVARIANT and adds "variant":"&lt;value&gt;" to its answers.</param>
    /// <param name="runtimeSource">The C runtime under the output's Fixtures/ (the hostile tests build their own).</param>
    public static void WriteLayout(string layoutDir, string agentBinary, string tag, string? variant = null, string runtimeSource = "echo-runtime.c")
    {
        var work = Directory.CreateTempSubdirectory("lamina-env-image-").FullName;
        try
        {
            var base_ = Path.Combine(work, "base");
            foreach (var d in new[] { "bin", "etc", "tmp", "var/task", "lib64" }) Directory.CreateDirectory(Path.Combine(base_, d));
            CopyResolved("/bin/busybox", Path.Combine(base_, "bin", "busybox"));
            File.CreateSymbolicLink(Path.Combine(base_, "bin", "sh"), "busybox");
            File.WriteAllText(Path.Combine(base_, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\n");
            foreach (var lib in GlibcFiles(agentBinary))
            {
                var target = Path.Combine(base_, lib.TrimStart('/'));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                CopyResolved(lib, target);
            }

            var fn = Path.Combine(work, "function");
            Directory.CreateDirectory(Path.Combine(fn, "var", "task"));
            var source = Path.Combine(AppContext.BaseDirectory, "Fixtures", runtimeSource);
            string[] define = variant is null ? [] : [$"-DVARIANT=\"{variant}\""];
            Tool.Run("/usr/bin/gcc", ["-static", "-O2", .. define, "-o", Path.Combine(fn, "var", "task", "bootstrap"), source]);

            Directory.CreateDirectory(Path.Combine(layoutDir, "blobs", "sha256"));
            File.WriteAllText(Path.Combine(layoutDir, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
            var layers = new[] { Layer(layoutDir, base_), Layer(layoutDir, fn) };
            var config = new JsonObject
            {
                ["architecture"] = "amd64",
                ["os"] = "linux",
                ["config"] = new JsonObject
                {
                    ["Cmd"] = new JsonArray("/var/task/bootstrap"),
                    ["WorkingDir"] = "/var/task",
                    ["Env"] = new JsonArray("PATH=/bin", "FROM_IMAGE=yes"),
                },
                ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(layers.Select(l => (JsonNode)l.DiffId).ToArray()) },
            };
            var (configDigest, configSize) = Blob(layoutDir, Encoding.UTF8.GetBytes(config.ToJsonString()));
            var manifest = new JsonObject
            {
                ["schemaVersion"] = 2,
                ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
                ["config"] = Desc("application/vnd.oci.image.config.v1+json", configDigest, configSize),
                ["layers"] = new JsonArray(layers.Select(l => (JsonNode)Desc("application/vnd.oci.image.layer.v1.tar+gzip", l.Digest, l.Size)).ToArray()),
            };
            var (manifestDigest, manifestSize) = Blob(layoutDir, Encoding.UTF8.GetBytes(manifest.ToJsonString()));
            var entry = Desc("application/vnd.oci.image.manifest.v1+json", manifestDigest, manifestSize);
            entry["annotations"] = new JsonObject { ["org.opencontainers.image.ref.name"] = tag };
            File.WriteAllText(Path.Combine(layoutDir, "index.json"), new JsonObject { ["schemaVersion"] = 2, ["manifests"] = new JsonArray(entry) }.ToJsonString());
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The loader and libraries ldd lists for the agent (absolute paths on the host); none for the static agent.</summary>
    public static IReadOnlyList<string> GlibcFiles(string binary)
    {
        var files = new List<string>();
        string listed;
        try
        {
            listed = Tool.Run("/usr/bin/ldd", binary);
        }
        catch (InvalidOperationException e) when (e.Message.Contains("not a dynamic executable", StringComparison.Ordinal))
        {
            return files;
        }
        foreach (var line in listed.Split('\n'))
        {
            var t = line.Trim();
            var arrow = t.IndexOf("=> ", StringComparison.Ordinal);
            var path = (arrow >= 0 ? t[(arrow + 3)..] : t).Split(' ')[0];
            if (path.StartsWith('/')) files.Add(path);
        }
        return files;
    }

    private static void CopyResolved(string from, string to)
    {
        var real = new FileInfo(from).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? from;
        File.Copy(real, to, overwrite: true);
        File.SetUnixFileMode(to, File.GetUnixFileMode(real));
    }

    private static (string Digest, long Size, string DiffId) Layer(string layoutDir, string dir)
    {
        var tar = new MemoryStream();
        TarFile.CreateFromDirectory(dir, tar, includeBaseDirectory: false);
        var tarBytes = tar.ToArray();
        var gz = new MemoryStream();
        using (var z = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) z.Write(tarBytes);
        var (digest, size) = Blob(layoutDir, gz.ToArray());
        return (digest, size, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(tarBytes)));
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
