using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lamina.Oci;

namespace Lamina.Images.Tests;

/// <summary>A layer to put in a test image: its blob bytes, media type and uncompressed tar (for the diff_id).</summary>
internal sealed record TestLayer(byte[] Blob, string MediaType, byte[] Tar)
{
    public static TestLayer Plain(byte[] tar) => new(tar, MediaTypes.OciLayerTar, tar);
    public static TestLayer Gzip(byte[] tar) => new(LayerBuilder.GzipBytes(tar), MediaTypes.OciLayerGzip, tar);
    public static TestLayer Zstd(byte[] tar) => new(LayerBuilder.ZstdBytes(tar), MediaTypes.OciLayerZstd, tar);
}

/// <summary>
/// Builds OCI image layouts on disk byte by byte (so tests control every blob) and pushes them into a
/// registry with the real skopeo.
/// </summary>
internal sealed class OciLayout : IDisposable
{
    public OciLayout()
    {
        Dir = Path.Combine(Path.GetTempPath(), "lamina-oci-" + Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(Path.Combine(Dir, "blobs", "sha256"));
        File.WriteAllText(Path.Combine(Dir, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
    }

    public string Dir { get; }

    public Descriptor AddBlob(byte[] bytes, string mediaType)
    {
        var digest = Digest.Compute(bytes);
        File.WriteAllBytes(Path.Combine(Dir, "blobs", "sha256", digest.Encoded), bytes);
        return new Descriptor(mediaType, digest, bytes.Length);
    }

    /// <summary>Adds config and layers and returns the image manifest's descriptor.</summary>
    public Descriptor AddImage(IReadOnlyList<TestLayer> layers, string architecture = "amd64", IEnumerable<Digest>? diffIds = null)
    {
        var config = new JsonObject
        {
            ["architecture"] = architecture,
            ["os"] = "linux",
            ["config"] = new JsonObject { ["Cmd"] = new JsonArray("/bin/app"), ["Env"] = new JsonArray("PATH=/usr/bin") },
            ["rootfs"] = new JsonObject
            {
                ["type"] = "layers",
                ["diff_ids"] = new JsonArray((diffIds ?? layers.Select(l => Digest.Compute(l.Tar))).Select(d => (JsonNode)d.ToString()).ToArray()),
            },
        };
        var configDesc = AddBlob(Encoding.UTF8.GetBytes(config.ToJsonString()), MediaTypes.OciConfig);
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciManifest,
            ["config"] = Json(configDesc),
            ["layers"] = new JsonArray(layers.Select(l => (JsonNode)Json(AddBlob(l.Blob, l.MediaType))).ToArray()),
        };
        var desc = AddBlob(Encoding.UTF8.GetBytes(manifest.ToJsonString()), MediaTypes.OciManifest);
        return desc with { Platform = new Platform(architecture, "linux") };
    }

    public Descriptor AddIndex(IEnumerable<Descriptor> manifests)
    {
        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciIndex,
            ["manifests"] = new JsonArray(manifests.Select(m => (JsonNode)Json(m)).ToArray()),
        };
        return AddBlob(Encoding.UTF8.GetBytes(index.ToJsonString()), MediaTypes.OciIndex);
    }

    /// <summary>Writes index.json naming <paramref name="top"/> as <paramref name="tag"/>.</summary>
    public void Tag(Descriptor top, string tag)
    {
        var entry = Json(top);
        entry["annotations"] = new JsonObject { ["org.opencontainers.image.ref.name"] = tag };
        var index = new JsonObject { ["schemaVersion"] = 2, ["manifests"] = new JsonArray(entry) };
        File.WriteAllText(Path.Combine(Dir, "index.json"), index.ToJsonString());
    }

    /// <summary>skopeo copy [--all] oci:DIR:tag docker://host/name:tag over plain HTTP.</summary>
    /// <param name="host">Registry host:port.</param>
    /// <param name="name">Repository.</param>
    /// <param name="tag">Tag in the layout and in the registry.</param>
    /// <param name="credentials">user:password for the registry, if it needs them.</param>
    /// <param name="format">"v2s2" to have skopeo convert to Docker manifest v2 schema 2 (digests then change).</param>
    public void Push(string host, string name, string tag, string? credentials = null, string? format = null)
    {
        const string skopeo = "/usr/bin/skopeo";
        if (!File.Exists(skopeo)) throw new InvalidOperationException("skopeo is missing: run ./test.sh or apt-get install -y skopeo");
        List<string> args = ["copy", "--all", "--dest-tls-verify=false"];
        args.AddRange(format is null ? ["--preserve-digests"] : ["--format", format]);
        if (credentials is not null) args.Add("--dest-creds=" + credentials);
        args.AddRange([$"oci:{Dir}:{tag}", $"docker://{host}/{name}:{tag}"]);
        var psi = new ProcessStartInfo(skopeo, args)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        _ = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"skopeo copy failed ({p.ExitCode}): {stderr.Result}");
    }

    private static JsonObject Json(Descriptor d)
    {
        var o = new JsonObject { ["mediaType"] = d.MediaType, ["digest"] = d.Digest.ToString(), ["size"] = d.Size };
        if (d.Platform is { } p) o["platform"] = new JsonObject { ["architecture"] = p.Architecture, ["os"] = p.Os };
        return o;
    }

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
