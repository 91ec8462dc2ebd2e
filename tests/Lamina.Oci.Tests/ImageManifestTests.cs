using System.Text;

namespace Lamina.Oci.Tests;

public class ImageManifestTests
{
    private const string D1 = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    private const string D2 = "sha256:2222222222222222222222222222222222222222222222222222222222222222";

    private static bool Parse(string json, string? contentType, out ImageManifest? m, out string error) =>
        ImageManifest.TryParse(Encoding.UTF8.GetBytes(json), contentType, out m, out error);

    [Fact]
    public void Parses_an_oci_image_manifest_with_subject()
    {
        var json = $$$"""
        {"schemaVersion":2,"mediaType":"{{{MediaTypes.OciManifest}}}",
         "config":{"mediaType":"application/vnd.example+json","digest":"{{{D1}}}","size":2},
         "layers":[{"mediaType":"{{{MediaTypes.OciLayerGzip}}}","digest":"{{{D2}}}","size":10}],
         "subject":{"mediaType":"{{{MediaTypes.OciManifest}}}","digest":"{{{D2}}}","size":5},
         "annotations":{"k":"v"}}
        """;
        Assert.True(Parse(json, MediaTypes.OciManifest, out var m, out var error), error);
        Assert.False(m!.IsIndex);
        Assert.Equal(D1, m.Config!.Digest.ToString());
        Assert.Equal("application/vnd.example+json", m.ArtifactType); // falls back to config media type
        Assert.Equal(D2, m.Subject!.Digest.ToString());
        Assert.Equal(2, m.BlobReferences.Count());
        Assert.Equal("v", m.Annotations!["k"]);
    }

    [Fact]
    public void Parses_a_docker_manifest_list_with_platforms()
    {
        var json = $$$"""
        {"schemaVersion":2,"mediaType":"{{{MediaTypes.DockerManifestList}}}",
         "manifests":[{"mediaType":"{{{MediaTypes.DockerManifest}}}","digest":"{{{D1}}}","size":7,"platform":{"architecture":"amd64","os":"linux"}}]}
        """;
        Assert.True(Parse(json, null, out var m, out var error), error);
        Assert.True(m!.IsIndex);
        Assert.Equal("amd64", m.Manifests[0].Platform!.Architecture);
    }

    [Fact]
    public void Takes_the_media_type_from_content_type_when_the_document_has_none()
    {
        var json = $$$"""{"schemaVersion":2,"config":{"mediaType":"x","digest":"{{{D1}}}","size":1},"layers":[]}""";
        Assert.True(Parse(json, MediaTypes.DockerManifest, out var m, out _));
        Assert.Equal(MediaTypes.DockerManifest, m!.MediaType);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"schemaVersion":1}""")]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}""")]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"x","digest":"sha256:zz","size":1}}""")]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"x","digest":"sha256:1111111111111111111111111111111111111111111111111111111111111111","size":-1}}""")]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"x","digest":"sha256:1111111111111111111111111111111111111111111111111111111111111111","size":"1"}}""")]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json"}""")]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/x-unknown"}""")]
    [InlineData("""{"schemaVersion":"2"}""")]
    public void Rejects_invalid_manifests(string json) => Assert.False(Parse(json, null, out _, out _));

    [Fact]
    public void Rejects_a_media_type_that_contradicts_content_type()
    {
        var json = $$$"""{"schemaVersion":2,"mediaType":"{{{MediaTypes.OciManifest}}}","config":{"mediaType":"x","digest":"{{{D1}}}","size":1},"layers":[]}""";
        Assert.False(Parse(json, MediaTypes.DockerManifest, out _, out var error));
        Assert.Contains("does not match", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_manifests_over_four_mebibytes()
    {
        var big = new byte[ImageManifest.MaxBytes + 1];
        Assert.False(ImageManifest.TryParse(big, null, out _, out var error));
        Assert.Contains("limit", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Survives_deeply_nested_json()
    {
        var json = "{\"schemaVersion\":2,\"x\":" + new string('[', 10_000) + new string(']', 10_000) + "}";
        Assert.False(Parse(json, null, out _, out _));
    }
}
