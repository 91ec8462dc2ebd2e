using System.Net.Http.Headers;
using Lamina.Oci;

namespace Lamina.Images.Tests;

/// <summary>
/// Pushes blobs and manifests with plain distribution-API requests, for manifests skopeo would refuse to
/// write (wrong sizes, wrong digests): the registry stores them, and the puller must catch the lie.
/// </summary>
internal static class RawPush
{
    public static async Task BlobAsync(string host, string name, byte[] bytes)
    {
        using var http = new HttpClient();
        using var start = await http.PostAsync($"http://{host}/v2/{name}/blobs/uploads/", null);
        start.EnsureSuccessStatusCode();
        var location = start.Headers.Location!;
        if (!location.IsAbsoluteUri) location = new Uri(new Uri($"http://{host}"), location);
        var sep = location.Query.Length > 0 ? "&" : "?";
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var put = await http.PutAsync($"{location}{sep}digest={Digest.Compute(bytes)}", content);
        put.EnsureSuccessStatusCode();
    }

    public static async Task<Digest> ManifestAsync(string host, string name, string tag, byte[] manifest, string mediaType)
    {
        using var http = new HttpClient();
        using var content = new ByteArrayContent(manifest);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var put = await http.PutAsync($"http://{host}/v2/{name}/manifests/{tag}", content);
        if (!put.IsSuccessStatusCode) throw new InvalidOperationException($"manifest PUT: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}");
        return Digest.Compute(manifest);
    }
}
