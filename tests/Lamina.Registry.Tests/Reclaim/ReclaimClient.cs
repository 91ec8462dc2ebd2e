using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Lamina.Oci;
using Lamina.Registry.Tests.Distribution;
using Lamina.Server;

namespace Lamina.Registry.Tests.Reclaim;

/// <summary>A pushed image as the client knows it: manifest bytes and every blob it uploaded.</summary>
internal sealed record PushedImage(string Repository, Digest Manifest, byte[] ManifestBytes, IReadOnlyDictionary<Digest, byte[]> Blobs);

/// <summary>What the reclaim tests do over HTTP: push images of chosen layers, run GC through the admin endpoint, count bytes on disk, pull back and compare.</summary>
internal static class ReclaimClient
{
    public const string Config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}";

    /// <summary>Pushes config + <paramref name="layers"/> and the manifest; the manifest PUT's response stays open for the caller to judge.</summary>
    public static async Task<(HttpResponseMessage Response, PushedImage Image)> TryPushAsync(RegistryServer server, string repo, string tag, params byte[][] layers)
    {
        var blobs = new Dictionary<Digest, byte[]>();
        var config = Encoding.UTF8.GetBytes(Config);
        blobs[await server.PushBlobAsync(repo, config)] = config;
        var descriptors = new List<string>();
        foreach (var layer in layers)
        {
            var d = await server.PushBlobAsync(repo, layer);
            blobs[d] = layer;
            descriptors.Add($"{{\"mediaType\":\"{MediaTypes.OciLayerTar}\",\"digest\":\"{d}\",\"size\":{layer.Length}}}");
        }
        var manifest = Encoding.UTF8.GetBytes(
            $"{{\"schemaVersion\":2,\"mediaType\":\"{MediaTypes.OciManifest}\"," +
            $"\"config\":{{\"mediaType\":\"{MediaTypes.OciConfig}\",\"digest\":\"{Digest.Compute(config)}\",\"size\":{config.Length}}}," +
            $"\"layers\":[{string.Join(",", descriptors)}]}}");
        var response = await server.PutManifestAsync(repo, tag, manifest);
        return (response, new PushedImage(repo, Digest.Compute(manifest), manifest, blobs));
    }

    public static async Task<PushedImage> PushAsync(RegistryServer server, string repo, string tag, params byte[][] layers)
    {
        var (response, image) = await TryPushAsync(server, repo, tag, layers);
        using (response) Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return image;
    }

    public static byte[] RandomLayer(int size)
    {
        var bytes = new byte[size];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    public static async Task DeleteAsync(RegistryServer server, PushedImage image)
    {
        using var response = await server.Http.DeleteAsync($"/v2/{image.Repository}/manifests/{image.Manifest}");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    /// <summary>POST /lamina/admin/v1/gc (auth is off in these servers); the JSON answer.</summary>
    public static async Task<JsonElement> GcAsync(RegistryServer server, int? gracePeriodSeconds = 0)
    {
        var path = AdminEndpoints.GcPath + (gracePeriodSeconds is { } g ? $"?gracePeriodSeconds={g}" : "");
        using var response = await server.Http.PostAsync(path, new ByteArrayContent([]));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Bytes of every file under DATA/blobs, as the disk holds them.</summary>
    public static long BlobBytes(RegistryServer server)
    {
        var root = Path.Combine(server.DataDir, "blobs");
        return Directory.Exists(root) ? Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) : 0;
    }

    /// <summary>
    /// Runs GC with no grace until the blob directory holds <paramref name="expected"/> bytes (a collection in the same
    /// millisecond as the delete sees its clock as not yet past), within a generous deadline; the bytes freed in total.
    /// </summary>
    public static async Task<long> CollectUntilAsync(RegistryServer server, long expected)
    {
        long freed = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            freed += (await GcAsync(server)).GetProperty("bytesFreed").GetInt64();
            var now = BlobBytes(server);
            if (now == expected) return freed;
            Assert.True(DateTime.UtcNow < deadline, $"blob directory still holds {now} bytes, expected {expected}");
            await Task.Delay(100);
        }
    }

    /// <summary>Pulls the image by digest and every blob; asserts each is byte for byte what was pushed.</summary>
    public static async Task AssertPullsBackAsync(RegistryServer server, PushedImage image)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/{image.Repository}/manifests/{image.Manifest}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(MediaTypes.OciManifest));
        using var manifest = await server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, manifest.StatusCode);
        Assert.Equal(image.ManifestBytes, await manifest.Content.ReadAsByteArrayAsync());
        foreach (var (digest, bytes) in image.Blobs)
        {
            using var blob = await server.Http.GetAsync($"/v2/{image.Repository}/blobs/{digest}");
            Assert.True(blob.StatusCode == HttpStatusCode.OK, $"{image.Repository}@{digest}: {(int)blob.StatusCode}");
            Assert.Equal(bytes, await blob.Content.ReadAsByteArrayAsync());
        }
    }
}
