using System.Net;

namespace Lamina.Registry.Tests.Distribution;

/// <summary>Spec workflow group "Content management": deleting tags, manifests and blobs.</summary>
public class ManagementTests
{
    [Fact]
    public async Task Deleting_a_tag_leaves_the_manifest_by_digest()
    {
        await using var server = await RegistryServer.StartAsync();
        var (_, digest) = await server.PushImageAsync("r", "v1");
        using (var delete = await server.Http.DeleteAsync("/v2/r/manifests/v1")) Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        using (var byTag = await server.Http.GetAsync("/v2/r/manifests/v1")) await RegistryServer.AssertErrorAsync(byTag, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
        using (var byDigest = await server.Http.GetAsync($"/v2/r/manifests/{digest}")) Assert.Equal(HttpStatusCode.OK, byDigest.StatusCode);
        using var again = await server.Http.DeleteAsync("/v2/r/manifests/v1");
        await RegistryServer.AssertErrorAsync(again, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
    }

    [Fact]
    public async Task Deleting_a_manifest_by_digest_removes_it_and_its_tags()
    {
        await using var server = await RegistryServer.StartAsync();
        var (_, digest) = await server.PushImageAsync("r", "v1");
        using (var delete = await server.Http.DeleteAsync($"/v2/r/manifests/{digest}")) Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        using (var byDigest = await server.Http.GetAsync($"/v2/r/manifests/{digest}")) await RegistryServer.AssertErrorAsync(byDigest, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
        using (var byTag = await server.Http.GetAsync("/v2/r/manifests/v1")) Assert.Equal(HttpStatusCode.NotFound, byTag.StatusCode);
        using var missingRepo = await server.Http.DeleteAsync($"/v2/none/manifests/{digest}");
        Assert.Equal(HttpStatusCode.NotFound, missingRepo.StatusCode);
    }

    [Fact]
    public async Task Deleting_a_blob_unlinks_it_from_that_repository_only()
    {
        await using var server = await RegistryServer.StartAsync();
        var digest = await server.PushBlobAsync("one", "shared"u8.ToArray());
        await server.PushBlobAsync("two", "shared"u8.ToArray());
        using (var delete = await server.Http.DeleteAsync($"/v2/one/blobs/{digest}")) Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        using (var gone = await server.Http.GetAsync($"/v2/one/blobs/{digest}")) await RegistryServer.AssertErrorAsync(gone, HttpStatusCode.NotFound, "BLOB_UNKNOWN");
        using var kept = await server.Http.GetAsync($"/v2/two/blobs/{digest}");
        Assert.Equal("shared", await kept.Content.ReadAsStringAsync());
    }
}
