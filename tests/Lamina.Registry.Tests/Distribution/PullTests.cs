using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Lamina.Oci;

namespace Lamina.Registry.Tests.Distribution;

/// <summary>Spec workflow group "Pull": manifests by tag and digest, blobs whole and by range.</summary>
public class PullTests
{
    [Fact]
    public async Task Manifest_by_tag_and_by_digest_with_GET_and_HEAD_carries_type_digest_length_and_etag()
    {
        await using var server = await RegistryServer.StartAsync();
        var (bytes, digest) = await server.PushImageAsync("team/app", "v1");

        foreach (var reference in new[] { "v1", digest.ToString() })
        {
            using var get = await server.Http.GetAsync($"/v2/team/app/manifests/{reference}");
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal(bytes, await get.Content.ReadAsByteArrayAsync());
            Assert.Equal(MediaTypes.OciManifest, get.Content.Headers.ContentType!.MediaType);
            Assert.Equal(digest.ToString(), get.Headers.GetValues("Docker-Content-Digest").Single());
            Assert.Equal($"\"{digest}\"", get.Headers.ETag!.Tag);

            using var head = await server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/team/app/manifests/{reference}"));
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal(bytes.Length, head.Content.Headers.ContentLength);
            Assert.Equal(digest.ToString(), head.Headers.GetValues("Docker-Content-Digest").Single());
            Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task Blob_GET_HEAD_and_Range_requests()
    {
        await using var server = await RegistryServer.StartAsync();
        var bytes = Encoding.ASCII.GetBytes("0123456789abcdefghij");
        var digest = await server.PushBlobAsync("r", bytes);

        using var get = await server.Http.GetAsync($"/v2/r/blobs/{digest}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(bytes, await get.Content.ReadAsByteArrayAsync());
        Assert.Equal(digest.ToString(), get.Headers.GetValues("Docker-Content-Digest").Single());

        using var head = await server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/r/blobs/{digest}"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(bytes.Length, head.Content.Headers.ContentLength);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/r/blobs/{digest}");
        request.Headers.Range = new RangeHeaderValue(5, 9);
        using var partial = await server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal("56789", await partial.Content.ReadAsStringAsync());
        Assert.Equal("bytes 5-9/20", partial.Content.Headers.ContentRange!.ToString());
    }

    [Fact]
    public async Task Unknown_manifests_blobs_and_repositories_are_404_with_the_spec_codes()
    {
        await using var server = await RegistryServer.StartAsync();
        await server.PushImageAsync("r", "v1");
        var absent = Digest.Compute("absent"u8);

        using (var r = await server.Http.GetAsync("/v2/r/manifests/nope")) await RegistryServer.AssertErrorAsync(r, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
        using (var r = await server.Http.GetAsync($"/v2/r/manifests/{absent}")) await RegistryServer.AssertErrorAsync(r, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
        using (var r = await server.Http.GetAsync($"/v2/r/blobs/{absent}")) await RegistryServer.AssertErrorAsync(r, HttpStatusCode.NotFound, "BLOB_UNKNOWN");
        using (var r = await server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/r/blobs/{absent}"))) Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
    }

    [Fact]
    public async Task Manifests_of_a_repository_that_does_not_exist_are_NAME_UNKNOWN_as_ECR_answers()
    {
        await using var server = await RegistryServer.StartAsync();
        var (_, digest) = await server.PushImageAsync("r", "v1");
        await server.PushBlobAsync("only-blobs", "a layer without a manifest"u8.ToArray());

        foreach (var reference in new[] { "v1", digest.ToString() })
        {
            using (var r = await server.Http.GetAsync($"/v2/missing/manifests/{reference}")) await RegistryServer.AssertErrorAsync(r, HttpStatusCode.NotFound, "NAME_UNKNOWN");
            using (var r = await server.Http.DeleteAsync($"/v2/missing/manifests/{reference}")) await RegistryServer.AssertErrorAsync(r, HttpStatusCode.NotFound, "NAME_UNKNOWN");
            using (var r = await server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/missing/manifests/{reference}")))
            {
                Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
                Assert.Empty(await r.Content.ReadAsByteArrayAsync());
            }
            // A repository that exists (made by a blob push) but lacks the manifest keeps MANIFEST_UNKNOWN.
            using (var r = await server.Http.GetAsync($"/v2/only-blobs/manifests/{reference}")) await RegistryServer.AssertErrorAsync(r, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
            using (var r = await server.Http.DeleteAsync($"/v2/only-blobs/manifests/{reference}")) await RegistryServer.AssertErrorAsync(r, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
        }
        // Blobs and tags answer as distribution 2.8 does for a missing repository.
        using (var r = await server.Http.GetAsync($"/v2/missing/blobs/{digest}")) await RegistryServer.AssertErrorAsync(r, HttpStatusCode.NotFound, "BLOB_UNKNOWN");
        using (var r = await server.Http.DeleteAsync($"/v2/missing/blobs/{digest}")) await RegistryServer.AssertErrorAsync(r, HttpStatusCode.NotFound, "BLOB_UNKNOWN");
        using (var r = await server.Http.GetAsync("/v2/missing/tags/list")) await RegistryServer.AssertErrorAsync(r, HttpStatusCode.NotFound, "NAME_UNKNOWN");
    }

    [Fact]
    public async Task A_blob_is_served_only_by_repositories_that_link_it()
    {
        await using var server = await RegistryServer.StartAsync();
        var digest = await server.PushBlobAsync("owner", "private layer"u8.ToArray());
        using var response = await server.Http.GetAsync($"/v2/other/blobs/{digest}");
        await RegistryServer.AssertErrorAsync(response, HttpStatusCode.NotFound, "BLOB_UNKNOWN");
    }

    [Fact]
    public async Task An_acknowledged_image_is_served_after_a_restart()
    {
        var server = await RegistryServer.StartAsync();
        var dataDir = server.DataDir;
        var (bytes, digest) = await server.PushImageAsync("team/app", "v1", "durable layer");
        await server.StopAsync();

        await using var again = await RegistryServer.StartAsync(dataDir: dataDir);
        using var manifest = await again.Http.GetAsync("/v2/team/app/manifests/v1");
        Assert.Equal(bytes, await manifest.Content.ReadAsByteArrayAsync());
        Assert.Equal(digest.ToString(), manifest.Headers.GetValues("Docker-Content-Digest").Single());
        using var layer = await again.Http.GetAsync($"/v2/team/app/blobs/{Digest.Compute("durable layer"u8)}");
        Assert.Equal("durable layer", await layer.Content.ReadAsStringAsync());
    }
}
