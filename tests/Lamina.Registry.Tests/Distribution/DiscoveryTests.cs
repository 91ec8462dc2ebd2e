using System.Net;
using System.Text.Json;
using Lamina.Oci;

namespace Lamina.Registry.Tests.Distribution;

/// <summary>Spec workflow group "Content discovery": tags list, referrers, catalog.</summary>
public class DiscoveryTests
{
    private static async Task<(List<string> Items, string? Link)> ListAsync(RegistryServer server, string url, string property)
    {
        using var response = await server.Http.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var items = doc.RootElement.GetProperty(property).EnumerateArray().Select(e => e.GetString()!).ToList();
        return (items, response.Headers.TryGetValues("Link", out var link) ? link.Single() : null);
    }

    [Fact]
    public async Task Tags_are_listed_in_order_and_paged_with_n_last_and_Link()
    {
        await using var server = await RegistryServer.StartAsync();
        var (bytes, _) = await server.PushImageAsync("r", "b");
        foreach (var tag in new[] { "a", "c", "d" })
        {
            using var put = await server.PutManifestAsync("r", tag, bytes);
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        var all = await ListAsync(server, "/v2/r/tags/list", "tags");
        Assert.Equal(["a", "b", "c", "d"], all.Items);
        Assert.Null(all.Link);

        var first = await ListAsync(server, "/v2/r/tags/list?n=2", "tags");
        Assert.Equal(["a", "b"], first.Items);
        Assert.Equal("</v2/r/tags/list?n=2&last=b>; rel=\"next\"", first.Link);
        var second = await ListAsync(server, "/v2/r/tags/list?n=2&last=b", "tags");
        Assert.Equal(["c", "d"], second.Items);
        Assert.Null(second.Link);

        var none = await ListAsync(server, "/v2/r/tags/list?n=0", "tags");
        Assert.Empty(none.Items);
        Assert.Null(none.Link);

        using var missing = await server.Http.GetAsync("/v2/nope/tags/list");
        await RegistryServer.AssertErrorAsync(missing, HttpStatusCode.NotFound, "NAME_UNKNOWN");
    }

    [Fact]
    public async Task Catalog_lists_repositories_with_paging()
    {
        await using var server = await RegistryServer.StartAsync();
        foreach (var repo in new[] { "z", "a/b", "m" }) await server.PushBlobAsync(repo, "x"u8.ToArray());
        Assert.Equal(["a/b", "m", "z"], (await ListAsync(server, "/v2/_catalog", "repositories")).Items);
        var page = await ListAsync(server, "/v2/_catalog?n=1&last=a/b", "repositories");
        Assert.Equal(["m"], page.Items);
        Assert.NotNull(page.Link);
    }

    [Fact]
    public async Task Referrers_are_an_oci_index_filterable_by_artifactType_and_never_404()
    {
        await using var server = await RegistryServer.StartAsync();
        var (_, subject) = await server.PushImageAsync("r", "v1");
        var (_, sbom) = await server.PushImageAsync("r", "sbom", "sbom layer", subject, "application/vnd.example.sbom");
        var (_, sig) = await server.PushImageAsync("r", "sig", "sig layer", subject, "application/vnd.example.sig");

        using (var response = await server.Http.GetAsync($"/v2/r/referrers/{subject}"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(MediaTypes.OciIndex, response.Content.Headers.ContentType!.MediaType);
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(MediaTypes.OciIndex, doc.RootElement.GetProperty("mediaType").GetString());
            var manifests = doc.RootElement.GetProperty("manifests").EnumerateArray().ToList();
            Assert.Equal(new[] { sbom.ToString(), sig.ToString() }.Order(), manifests.Select(m => m.GetProperty("digest").GetString()!).Order());
            Assert.All(manifests, m => Assert.Equal("yes", m.GetProperty("annotations").GetProperty("org.example").GetString()));
            Assert.False(response.Headers.Contains("OCI-Filters-Applied"));
        }
        using (var filtered = await server.Http.GetAsync($"/v2/r/referrers/{subject}?artifactType=application/vnd.example.sig"))
        {
            Assert.Equal("artifactType", filtered.Headers.GetValues("OCI-Filters-Applied").Single());
            using var doc = JsonDocument.Parse(await filtered.Content.ReadAsStringAsync());
            var only = doc.RootElement.GetProperty("manifests").EnumerateArray().Single();
            Assert.Equal(sig.ToString(), only.GetProperty("digest").GetString());
            Assert.Equal("application/vnd.example.sig", only.GetProperty("artifactType").GetString());
        }
        using (var empty = await server.Http.GetAsync($"/v2/unknown/referrers/{Digest.Compute("x"u8)}"))
        {
            Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
            using var doc = JsonDocument.Parse(await empty.Content.ReadAsStringAsync());
            Assert.Equal(0, doc.RootElement.GetProperty("manifests").GetArrayLength());
        }
        using var bad = await server.Http.GetAsync("/v2/r/referrers/sha256:nothex");
        await RegistryServer.AssertErrorAsync(bad, HttpStatusCode.BadRequest, "DIGEST_INVALID");
    }
}
