using System.Net;
using System.Net.Http.Headers;
using Lamina.Cli.Push;

namespace Lamina.Cli.Run;

/// <summary>
/// Serves an OCI image layout directory as a read-only registry to the image store's client, in memory:
/// <c>GET /v2/NAME/manifests/DIGEST</c> and <c>GET /v2/NAME/blobs/DIGEST</c> answer from <c>blobs/</c>. So a layout
/// goes through the same verified pull and unpack as a registry image, with no server and no copy.
/// </summary>
internal sealed class OciLayoutRegistryHandler(OciLayout layout, IReadOnlyDictionary<string, string> mediaTypes) : HttpMessageHandler
{
    /// <summary>The registry host name used in references to the layout (never resolved).</summary>
    public const string Host = "oci-layout.invalid";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri?.AbsolutePath ?? "";
        var slash = path.LastIndexOf('/');
        var digest = slash >= 0 ? path[(slash + 1)..] : "";
        var isManifest = path.Contains("/manifests/", StringComparison.Ordinal);
        if (request.Method != HttpMethod.Get || !(isManifest || path.Contains("/blobs/", StringComparison.Ordinal)))
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound));
        if (!Lamina.Oci.Digest.TryParse(digest, out var parsed)) return Task.FromResult(new HttpResponseMessage(HttpStatusCode.BadRequest));
        var file = Path.Combine(layout.Root, "blobs", parsed.AlgorithmName, parsed.Encoded);
        if (!File.Exists(file)) return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound));
        var content = new StreamContent(File.OpenRead(file));
        if (isManifest && mediaTypes.TryGetValue(digest, out var type) && type.Length > 0)
            content.Headers.ContentType = new MediaTypeHeaderValue(type);
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request };
        response.Headers.TryAddWithoutValidation("Docker-Content-Digest", digest);
        return Task.FromResult(response);
    }
}
