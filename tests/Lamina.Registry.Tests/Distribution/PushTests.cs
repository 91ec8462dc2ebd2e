using System.Net;
using System.Text;
using Lamina.Oci;

namespace Lamina.Registry.Tests.Distribution;

/// <summary>Spec workflow group "Push": monolithic, POST-then-PUT, chunked, mount, manifests by tag and digest.</summary>
public class PushTests
{
    [Fact]
    public async Task Monolithic_POST_with_digest_returns_201_with_location_and_digest()
    {
        await using var server = await RegistryServer.StartAsync();
        var bytes = "monolithic"u8.ToArray();
        var digest = Digest.Compute(bytes);
        using var response = await server.Http.PostAsync($"/v2/a/b/c/blobs/uploads/?digest={digest}", RegistryServer.Octets(bytes));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/v2/a/b/c/blobs/{digest}", response.Headers.Location!.OriginalString);
        Assert.Equal(digest.ToString(), response.Headers.GetValues("Docker-Content-Digest").Single());
        using var get = await server.Http.GetAsync(response.Headers.Location);
        Assert.Equal(bytes, await get.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task POST_then_PUT_with_sha512()
    {
        await using var server = await RegistryServer.StartAsync();
        var bytes = "sha512 content"u8.ToArray();
        var digest = Digest.Compute(bytes, DigestAlgorithm.Sha512);
        using var start = await server.Http.PostAsync("/v2/r/blobs/uploads/", null);
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var location = start.Headers.Location!.OriginalString;
        Assert.Matches("^/v2/r/blobs/uploads/[0-9a-f-]{36}$", location);
        Assert.Equal(location.Split('/')[^1], start.Headers.GetValues("Docker-Upload-UUID").Single());
        using var put = await server.Http.PutAsync($"{location}?digest={digest}", RegistryServer.Octets(bytes));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        using var get = await server.Http.GetAsync($"/v2/r/blobs/{digest}");
        Assert.Equal(bytes, await get.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Chunked_upload_with_status_and_a_final_chunk_in_the_PUT()
    {
        await using var server = await RegistryServer.StartAsync();
        var bytes = Encoding.ASCII.GetBytes(new string('x', 100) + new string('y', 50) + new string('z', 7));
        var digest = Digest.Compute(bytes);
        using var start = await server.Http.PostAsync("/v2/r/blobs/uploads/", null);
        var location = start.Headers.Location!.OriginalString;

        location = await PatchAsync(server, location, bytes[..100], 0, HttpStatusCode.Accepted, "0-99");
        location = await PatchAsync(server, location, bytes[100..150], 100, HttpStatusCode.Accepted, "0-149");

        using (var status = await server.Http.GetAsync(location))
        {
            Assert.Equal(HttpStatusCode.NoContent, status.StatusCode);
            Assert.Equal("0-149", status.Headers.GetValues("Range").Single());
            Assert.Equal(location, status.Headers.Location!.OriginalString);
        }

        var final = RegistryServer.Octets(bytes[150..]);
        final.Headers.TryAddWithoutValidation("Content-Range", "150-156");
        using var put = await server.Http.PutAsync($"{location}?digest={digest}", final);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        using var get = await server.Http.GetAsync($"/v2/r/blobs/{digest}");
        Assert.Equal(bytes, await get.Content.ReadAsByteArrayAsync());
        using var gone = await server.Http.GetAsync(location);
        await RegistryServer.AssertErrorAsync(gone, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
    }

    internal static async Task<string> PatchAsync(RegistryServer server, string location, byte[] chunk, long start, HttpStatusCode expected, string? range)
    {
        var content = RegistryServer.Octets(chunk);
        content.Headers.TryAddWithoutValidation("Content-Range", $"{start}-{start + chunk.Length - 1}");
        using var response = await server.Http.PatchAsync(location, content);
        Assert.Equal(expected, response.StatusCode);
        if (range is not null) Assert.Equal(range, response.Headers.GetValues("Range").Single());
        return response.Headers.Location?.OriginalString ?? location;
    }

    [Fact]
    public async Task Streamed_PATCH_without_Content_Range_as_docker_sends_it()
    {
        await using var server = await RegistryServer.StartAsync();
        var bytes = new byte[3 * 1024 * 1024 + 17];
        Random.Shared.NextBytes(bytes);
        using var start = await server.Http.PostAsync("/v2/r/blobs/uploads/", null);
        var content = new StreamContent(new MemoryStream(bytes)); // no Content-Length: chunked transfer
        content.Headers.ContentLength = null;
        using var patch = await server.Http.PatchAsync(start.Headers.Location, content);
        Assert.Equal(HttpStatusCode.Accepted, patch.StatusCode);
        Assert.Equal($"0-{bytes.Length - 1}", patch.Headers.GetValues("Range").Single());
        using var put = await server.Http.PutAsync($"{patch.Headers.Location}?digest={Digest.Compute(bytes)}", null);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
    }

    [Fact]
    public async Task Cancelled_upload_is_gone()
    {
        await using var server = await RegistryServer.StartAsync();
        using var start = await server.Http.PostAsync("/v2/r/blobs/uploads/", null);
        await PatchAsync(server, start.Headers.Location!.OriginalString, "abc"u8.ToArray(), 0, HttpStatusCode.Accepted, "0-2");
        using var delete = await server.Http.DeleteAsync(start.Headers.Location);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using var status = await server.Http.GetAsync(start.Headers.Location);
        await RegistryServer.AssertErrorAsync(status, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(server.DataDir, "uploads")));
    }

    [Fact]
    public async Task Cross_repository_mount_is_201_when_linked_in_from_and_202_otherwise()
    {
        await using var server = await RegistryServer.StartAsync();
        var digest = await server.PushBlobAsync("source", "shared layer"u8.ToArray());
        var filesBefore = server.BlobFileCount();

        using var mounted = await server.Http.PostAsync($"/v2/target/blobs/uploads/?mount={digest}&from=source", null);
        Assert.Equal(HttpStatusCode.Created, mounted.StatusCode);
        Assert.Equal($"/v2/target/blobs/{digest}", mounted.Headers.Location!.OriginalString);
        using (var get = await server.Http.GetAsync($"/v2/target/blobs/{digest}")) Assert.Equal("shared layer", await get.Content.ReadAsStringAsync());
        Assert.Equal(filesBefore, server.BlobFileCount()); // stored once

        using var fallback = await server.Http.PostAsync($"/v2/third/blobs/uploads/?mount={digest}&from=nowhere", null);
        Assert.Equal(HttpStatusCode.Accepted, fallback.StatusCode);
        Assert.Contains("/v2/third/blobs/uploads/", fallback.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Manifest_by_digest_and_with_subject_reports_OCI_Subject()
    {
        await using var server = await RegistryServer.StartAsync();
        var (_, image) = await server.PushImageAsync("r", "v1");
        var config = await server.PushBlobAsync("r", "{}"u8.ToArray());
        var layer = await server.PushBlobAsync("r", "sig"u8.ToArray());
        var referrer = RegistryServer.ImageManifestJson(config, 2, layer, 3, image, "application/vnd.example.sig");
        var digest = Digest.Compute(referrer);
        using var put = await server.PutManifestAsync("r", digest.ToString(), referrer);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(image.ToString(), put.Headers.GetValues("OCI-Subject").Single());
        Assert.Equal($"/v2/r/manifests/{digest}", put.Headers.Location!.OriginalString);
        Assert.Equal(digest.ToString(), put.Headers.GetValues("Docker-Content-Digest").Single());
    }

    [Fact]
    public async Task An_index_can_be_pushed_once_its_children_exist()
    {
        await using var server = await RegistryServer.StartAsync();
        var (child, childDigest) = await server.PushImageAsync("r", "child");
        var index = Encoding.UTF8.GetBytes(
            $"{{\"schemaVersion\":2,\"mediaType\":\"{MediaTypes.OciIndex}\",\"manifests\":[{{\"mediaType\":\"{MediaTypes.OciManifest}\",\"digest\":\"{childDigest}\",\"size\":{child.Length},\"platform\":{{\"architecture\":\"amd64\",\"os\":\"linux\"}}}}]}}");
        using var put = await server.PutManifestAsync("r", "multi", index, MediaTypes.OciIndex);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        using var get = await server.Http.GetAsync("/v2/r/manifests/multi");
        Assert.Equal(MediaTypes.OciIndex, get.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task An_upload_survives_a_server_restart()
    {
        var server = await RegistryServer.StartAsync();
        var dataDir = server.DataDir;
        var bytes = "first half|second half"u8.ToArray();
        using var start = await server.Http.PostAsync("/v2/r/blobs/uploads/", null);
        var location = await PatchAsync(server, start.Headers.Location!.OriginalString, bytes[..11], 0, HttpStatusCode.Accepted, "0-10");
        await server.StopAsync();

        await using var again = await RegistryServer.StartAsync(dataDir: dataDir);
        using (var status = await again.Http.GetAsync(location)) Assert.Equal("0-10", status.Headers.GetValues("Range").Single());
        location = await PatchAsync(again, location, bytes[11..], 11, HttpStatusCode.Accepted, $"0-{bytes.Length - 1}");
        using var put = await again.Http.PutAsync($"{location}?digest={Digest.Compute(bytes)}", null);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode); // digest recomputed from disk: no in-memory state survived
    }
}
