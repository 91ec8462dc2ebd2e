using Lamina.Registry.Distribution;

namespace Lamina.Registry.Tests.Distribution;

public class RegistryRouteTests
{
    [Theory]
    [InlineData("", RouteKind.Base, null, null)]
    [InlineData("_catalog", RouteKind.Catalog, null, null)]
    [InlineData("a/b/c/manifests/latest", RouteKind.Manifest, "a/b/c", "latest")]
    [InlineData("manifests/manifests/v1", RouteKind.Manifest, "manifests", "v1")]
    [InlineData("blobs/blobs/sha256:x", RouteKind.Blob, "blobs", "sha256:x")]
    [InlineData("team/app/blobs/uploads/", RouteKind.Uploads, "team/app", null)]
    [InlineData("team/app/blobs/uploads", RouteKind.Uploads, "team/app", null)]
    [InlineData("team/app/blobs/uploads/3f1c", RouteKind.Upload, "team/app", "3f1c")]
    [InlineData("uploads/blobs/uploads/id", RouteKind.Upload, "uploads", "id")]
    [InlineData("r/tags/list", RouteKind.Tags, "r", null)]
    [InlineData("r/referrers/sha256:x", RouteKind.Referrers, "r", "sha256:x")]
    public void Parses_from_the_end_so_names_may_contain_slashes_and_keywords(string rest, RouteKind kind, string? name, string? reference)
    {
        Assert.True(RegistryRoute.TryParse(rest, out var route, out var nameInvalid));
        Assert.False(nameInvalid);
        Assert.Equal(new RegistryRoute(kind, name, reference), route);
    }

    [Theory]
    [InlineData("../etc/manifests/x")]
    [InlineData("a/../b/manifests/x")]
    [InlineData("/a/manifests/x")]
    [InlineData("A/manifests/x")]
    [InlineData("a%2F..%2Fb/blobs/uploads/")]
    [InlineData("a b/tags/list")]
    public void Rejects_names_that_could_escape_or_break_the_grammar(string rest)
    {
        Assert.False(RegistryRoute.TryParse(rest, out _, out var nameInvalid));
        Assert.True(nameInvalid);
    }

    [Theory]
    [InlineData("r")]
    [InlineData("r/unknown/x")]
    [InlineData("manifests/x")]
    public void Paths_naming_no_resource_are_not_routes(string rest)
    {
        Assert.False(RegistryRoute.TryParse(rest, out _, out var nameInvalid));
        Assert.False(nameInvalid);
    }
}
