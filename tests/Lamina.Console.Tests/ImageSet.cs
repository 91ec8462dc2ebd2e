using System.Formats.Tar;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Lamina.Server;

namespace Lamina.WebConsole.Tests;

/// <summary>
/// Three images pushed over the /v2/ API with Basic auth: console/app:v1, console/app:v2 and other/tool:latest,
/// each a shared base layer plus one layer of its own, so the images page has sharing to show.
/// </summary>
public sealed record ImageSet(long BaseLayerSize, string BaseLayerDigest, IReadOnlyList<long> OwnLayerSizes)
{
    /// <summary>Bytes saved by sharing: the base layer is stored once but referenced by three images.</summary>
    public long SharedBytes => 2 * BaseLayerSize;

    public static async Task<ImageSet> PushAsync(LaminaHost host)
    {
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{host.Credentials.AccessKeyId}:{host.Credentials.SecretAccessKey}")));
        var baseLayer = Layer("base", 150_000);
        var own = new List<long>();
        foreach (var (repo, tag, size) in new[] { ("console/app", "v1", 20_000), ("console/app", "v2", 30_000), ("other/tool", "latest", 40_000) })
        {
            var mine = Layer(repo + tag, size);
            own.Add(mine.Gz.Length);
            await PushImageAsync(http, repo, tag, [baseLayer, mine]);
        }
        return new ImageSet(baseLayer.Gz.Length, Digest(baseLayer.Gz), own);
    }

    private static async Task PushImageAsync(HttpClient http, string repo, string tag, (byte[] Gz, string DiffId)[] layers)
    {
        var config = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["architecture"] = "amd64", ["os"] = "linux",
            ["config"] = new JsonObject { ["Cmd"] = new JsonArray("/var/task/bootstrap") },
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(layers.Select(l => (JsonNode)l.DiffId).ToArray()) },
        }.ToJsonString());
        foreach (var blob in layers.Select(l => l.Gz).Append(config)) await PushBlobAsync(http, repo, blob);
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2, ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
            ["config"] = Desc("application/vnd.oci.image.config.v1+json", config),
            ["layers"] = new JsonArray(layers.Select(l => (JsonNode)Desc("application/vnd.oci.image.layer.v1.tar+gzip", l.Gz)).ToArray()),
        };
        using var content = new StringContent(manifest.ToJsonString());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.oci.image.manifest.v1+json");
        (await http.PutAsync($"/v2/{repo}/manifests/{tag}", content)).EnsureSuccessStatusCode();
    }

    private static async Task PushBlobAsync(HttpClient http, string repo, byte[] blob)
    {
        using var start = await http.PostAsync($"/v2/{repo}/blobs/uploads/", null);
        start.EnsureSuccessStatusCode();
        var location = start.Headers.Location!.ToString();
        var put = location + (location.Contains('?') ? "&" : "?") + "digest=" + Uri.EscapeDataString(Digest(blob));
        using var body = new ByteArrayContent(blob);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        (await http.PutAsync(put, body)).EnsureSuccessStatusCode();
    }

    // A real gzip'd tar of one file of random (incompressible) bytes, so the layer size is about `size`.
    private static (byte[] Gz, string DiffId) Layer(string name, int size)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, $"data/{name.Replace('/', '-')}.bin") { DataStream = new MemoryStream(RandomNumberGenerator.GetBytes(size)) };
            writer.WriteEntry(entry);
        }
        using var gz = new MemoryStream();
        using (var z = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) z.Write(tar.ToArray());
        return (gz.ToArray(), Digest(tar.ToArray()));
    }

    private static JsonObject Desc(string mediaType, byte[] blob) =>
        new() { ["mediaType"] = mediaType, ["digest"] = Digest(blob), ["size"] = blob.Length };

    private static string Digest(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
}
