using Lamina.Oci;

namespace Lamina.Oci.Tests;

public sealed class ImageReferenceTests
{
    [Theory]
    [InlineData("127.0.0.1:5000/app/fn:v1", "127.0.0.1:5000", "app/fn", "v1")]
    [InlineData("localhost/fn", "localhost", "fn", "latest")]
    [InlineData("registry.example.com/a/b/c", "registry.example.com", "a/b/c", "latest")]
    [InlineData("alpine", "docker.io", "library/alpine", "latest")]
    [InlineData("user/app:1.0", "docker.io", "user/app", "1.0")]
    public void Parses_registry_repository_and_tag(string value, string registry, string repository, string tag)
    {
        var r = ImageReference.Parse(value);
        Assert.Equal((registry, repository, tag), (r.Registry, r.Repository, r.Tag));
        Assert.Equal(tag, r.Reference);
    }

    [Fact]
    public void A_digest_is_what_the_registry_is_asked_for()
    {
        var digest = Digest.Compute("x"u8);
        var r = ImageReference.Parse($"127.0.0.1:5000/fn:v1@{digest}");
        Assert.Equal(digest, r.Digest);
        Assert.Equal(digest.ToString(), r.Reference);
        Assert.Null(ImageReference.Parse($"127.0.0.1:5000/fn@{digest}").Tag);
    }

    [Theory]
    [InlineData("")]
    [InlineData("127.0.0.1:5000/UPPER:v1")]
    [InlineData("127.0.0.1:5000/fn:bad tag")]
    [InlineData("127.0.0.1:5000/fn@sha256:abc")]
    [InlineData("127.0.0.1:5000/../etc")]
    public void Refuses_invalid_references(string value)
    {
        Assert.False(ImageReference.TryParse(value, out _, out var error));
        Assert.NotEmpty(error);
    }
}
