using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Lamina.Oci;

namespace Lamina.Registry.Tests.Ecr;

/// <summary>Pushes tiny images over /v2/ with HttpClient, sending the given Authorization header on every request.</summary>
internal static class RegistryPusher
{
    public static async Task<Digest> PushImageAsync(HttpClient http, string? authorization, string repo, string tag, string seed)
    {
        var config = await PushBlobAsync(http, authorization, repo, Encoding.UTF8.GetBytes($$"""{"architecture":"amd64","os":"linux","seed":"{{seed}}"}"""));
        var layer = await PushBlobAsync(http, authorization, repo, Encoding.UTF8.GetBytes("layer " + seed));
        var manifest = Encoding.UTF8.GetBytes($$"""
            {"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}",
             "config":{"mediaType":"{{MediaTypes.OciConfig}}","digest":"{{config.Digest}}","size":{{config.Size}}},
             "layers":[{"mediaType":"{{MediaTypes.OciLayerGzip}}","digest":"{{layer.Digest}}","size":{{layer.Size}}}]}
            """);
        using var response = await PutManifestAsync(http, authorization, repo, tag, manifest);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return Digest.Compute(manifest);
    }

    public static async Task<HttpResponseMessage> PutManifestAsync(HttpClient http, string? authorization, string repo, string reference, byte[] manifest)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/v2/{repo}/manifests/{reference}") { Content = new ByteArrayContent(manifest) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(MediaTypes.OciManifest);
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return await http.SendAsync(request);
    }

    private static async Task<(Digest Digest, long Size)> PushBlobAsync(HttpClient http, string? authorization, string repo, byte[] bytes)
    {
        var digest = Digest.Compute(bytes);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v2/{repo}/blobs/uploads/?digest={digest}") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"blob push: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (digest, bytes.Length);
    }
}
