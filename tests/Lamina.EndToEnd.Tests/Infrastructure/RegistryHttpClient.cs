using System.Net;
using System.Net.Http.Headers;
using Lamina.EndToEnd.Tests.Images;

namespace Lamina.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The three upload flows of the distribution spec, written from the spec over plain HttpClient, for
/// tests that need control no CLI gives (concurrency, chunk sizes, a server killed mid-request).
/// Unexpected answers throw <see cref="RegistryProtocolException"/> with the request and response.
/// </summary>
public sealed class RegistryHttpClient(HttpClient http)
{
    /// <summary>
    /// POST …/blobs/uploads/?digest= with the whole body: one request. A registry that does not
    /// support it may answer 202 with an upload location instead (distribution does); the spec then
    /// has the client PUT the body there.
    /// </summary>
    public async Task PushMonolithicAsync(string repository, byte[] data)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v2/{repository}/blobs/uploads/?digest={Blob.Sha256(data)}") { Content = Octets(data) };
        using var response = await http.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.Accepted && response.Headers.Location is { } location)
        {
            using var put = new HttpRequestMessage(HttpMethod.Put, WithDigest(Resolve(location), data)) { Content = Octets(data) };
            using var completed = await http.SendAsync(put);
            await ExpectAsync(completed, HttpStatusCode.Created);
            return;
        }
        await ExpectAsync(response, HttpStatusCode.Created);
    }

    /// <summary>POST to open an upload, then PUT …?digest= with the whole body.</summary>
    public async Task PushPostPutAsync(string repository, byte[] data)
    {
        var location = await StartUploadAsync(repository);
        using var put = new HttpRequestMessage(HttpMethod.Put, WithDigest(location, data)) { Content = Octets(data) };
        using var response = await http.SendAsync(put);
        await ExpectAsync(response, HttpStatusCode.Created);
    }

    /// <summary>POST, one PATCH per chunk with Content-Range, then an empty PUT …?digest= to close.</summary>
    public async Task PushChunkedAsync(string repository, byte[] data, int chunkSize, TimeSpan pauseBetweenChunks = default)
    {
        var location = await StartUploadAsync(repository);
        for (var offset = 0; offset < data.Length; offset += chunkSize)
        {
            var length = Math.Min(chunkSize, data.Length - offset);
            using var patch = new HttpRequestMessage(HttpMethod.Patch, location) { Content = Octets(data.AsMemory(offset, length).ToArray()) };
            // The spec's "start-end" form is not RFC 9110's Content-Range syntax, so skip header validation.
            patch.Content.Headers.TryAddWithoutValidation("Content-Range", $"{offset}-{offset + length - 1}");
            using var response = await http.SendAsync(patch);
            await ExpectAsync(response, HttpStatusCode.Accepted);
            location = Resolve(response.Headers.Location!);
            if (pauseBetweenChunks > TimeSpan.Zero) await Task.Delay(pauseBetweenChunks);
        }
        using var put = new HttpRequestMessage(HttpMethod.Put, WithDigest(location, data)) { Content = Octets([]) };
        using var closed = await http.SendAsync(put);
        await ExpectAsync(closed, HttpStatusCode.Created);
    }

    public async Task<HttpStatusCode> PutManifestAsync(string repository, string reference, byte[] manifest, string mediaType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/v2/{repository}/manifests/{reference}") { Content = new ByteArrayContent(manifest) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    public async Task<(HttpStatusCode Status, byte[] Body)> GetAsync(string path, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null) request.Headers.Accept.ParseAdd(accept);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync());
    }

    public async Task<(HttpStatusCode Status, long? Length)> HeadAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, path);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, response.Content.Headers.ContentLength);
    }

    private async Task<Uri> StartUploadAsync(string repository)
    {
        using var response = await http.PostAsync(new Uri($"/v2/{repository}/blobs/uploads/", UriKind.Relative), null);
        await ExpectAsync(response, HttpStatusCode.Accepted);
        return Resolve(response.Headers.Location ?? throw new RegistryProtocolException("202 without Location"));
    }

    private Uri Resolve(Uri location) => location.IsAbsoluteUri ? location : new Uri(http.BaseAddress!, location);

    private static Uri WithDigest(Uri location, byte[] data) =>
        new(location + (location.Query.Length > 0 ? "&" : "?") + "digest=" + Uri.EscapeDataString(Blob.Sha256(data)));

    private static ByteArrayContent Octets(byte[] data)
    {
        var content = new ByteArrayContent(data);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    private static async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            throw new RegistryProtocolException(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, expected {(int)expected}: {await response.Content.ReadAsStringAsync()}");
        }
    }
}

/// <summary>The registry answered something the spec does not allow at that step.</summary>
public sealed class RegistryProtocolException(string message) : Exception(message);
