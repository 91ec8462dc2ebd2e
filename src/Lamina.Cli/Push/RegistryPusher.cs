using System.Net;
using System.Net.Http.Headers;
using Lamina.Cli.Client;

namespace Lamina.Cli.Push;

/// <summary>
/// Pushes blobs and manifests to an OCI distribution registry: HEAD to skip what exists, then a monolithic
/// PUT (small blobs) or PATCH chunks + final PUT (large ones), reporting bytes sent through a callback.
/// </summary>
internal sealed class RegistryPusher(HttpClient http, ConnectionSettings settings, string repository, AuthenticationHeaderValue? auth)
{
    /// <summary>Blobs above this size go in chunks of this size.</summary>
    public long ChunkSize { get; init; } = 16 * 1024 * 1024;

    public async Task<bool> ExistsAsync(BlobRef blob, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Head, $"/v2/{repository}/blobs/{blob.Digest}", null, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        await EnsureAsync(response, ct);
        return true;
    }

    public async Task UploadAsync(BlobRef blob, string path, Action<long> progress, CancellationToken ct)
    {
        using (var start = await SendAsync(HttpMethod.Post, $"/v2/{repository}/blobs/uploads/", null, ct))
        {
            await EnsureAsync(start, ct);
            var location = Location(start);
            await using var file = File.OpenRead(path);
            if (blob.Size > ChunkSize)
            {
                var buffer = new byte[ChunkSize];
                long offset = 0;
                while (offset < blob.Size)
                {
                    var n = await file.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
                    var chunk = new ByteArrayContent(buffer, 0, n);
                    chunk.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                    chunk.Headers.TryAddWithoutValidation("Content-Range", $"{offset}-{offset + n - 1}");
                    using var patch = await SendAsync(HttpMethod.Patch, location, chunk, ct);
                    await EnsureAsync(patch, ct);
                    location = Location(patch);
                    offset += n;
                    progress(offset);
                }
                using var close = await SendAsync(HttpMethod.Put, WithDigest(location, blob.Digest), new ByteArrayContent([]), ct);
                await EnsureAsync(close, ct);
                return;
            }
            var content = new ProgressContent(file, progress);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            content.Headers.ContentLength = blob.Size;
            using var put = await SendAsync(HttpMethod.Put, WithDigest(location, blob.Digest), content, ct);
            await EnsureAsync(put, ct);
        }
    }

    public async Task PutManifestAsync(string reference, BlobRef manifest, byte[] bytes, CancellationToken ct)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(manifest.MediaType.Length > 0 ? manifest.MediaType : "application/vnd.oci.image.manifest.v1+json");
        using var response = await SendAsync(HttpMethod.Put, $"/v2/{repository}/manifests/{reference}", content, ct);
        await EnsureAsync(response, ct);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string target, HttpContent? content, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, target) { Content = content };
        request.Headers.Authorization = auth;
        try
        {
            return await http.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            throw LaminaClient.Unreachable(settings.Endpoint, e);
        }
    }

    private async Task EnsureAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        throw RemoteError.From(response, await response.Content.ReadAsStringAsync(ct), settings);
    }

    private static string Location(HttpResponseMessage response) =>
        response.Headers.Location?.ToString() ?? throw new CliException(ExitCodes.RemoteError, "the registry started an upload without a Location header.");

    private static string WithDigest(string location, string digest) =>
        location + (location.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "digest=" + Uri.EscapeDataString(digest);
}
