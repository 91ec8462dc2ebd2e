using System.Text.Json;
using Lamina.Oci;

namespace Lamina.Registry.Tests.Ecr;

/// <summary>PutImage with the real CLI: AWS's documented re-tag workflow, and its refusals.</summary>
public sealed class PutImageTests(EcrTestHost ecr) : IClassFixture<EcrTestHost>
{
    private static JsonElement Ok(ToolRunner.Result r)
    {
        Assert.True(r.ExitCode == 0, r.ToString());
        return JsonDocument.Parse(r.Stdout).RootElement;
    }

    private static void Fails(ToolRunner.Result r, string errorCode)
    {
        Assert.True(r.ExitCode != 0, r.ToString());
        Assert.Contains($"({errorCode})", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retag_with_batch_get_image_and_put_image()
    {
        const string repo = "retag/app";
        Ok(await ecr.EcrAsync(false, null, "create-repository", "--repository-name", repo, "--image-tag-mutability", "IMMUTABLE"));
        var v1 = await ecr.SeedImageAsync(repo, "v1", "retag-1");
        var other = await ecr.SeedImageAsync(repo, "other", "retag-2");
        var manifest = Ok(await ecr.EcrAsync(false, null, "batch-get-image", "--repository-name", repo, "--image-ids", "imageTag=v1",
            "--query", "images[0]")).GetProperty("imageManifest").GetString()!;

        var put = Ok(await ecr.EcrAsync(false, null, "put-image", "--repository-name", repo, "--image-tag", "release", "--image-manifest", manifest));
        Assert.Equal(v1.ToString(), put.GetProperty("image").GetProperty("imageId").GetProperty("imageDigest").GetString());
        var tags = Ok(await ecr.EcrAsync(false, null, "describe-images", "--repository-name", repo, "--image-ids", $"imageDigest={v1}"))
            .GetProperty("imageDetails")[0].GetProperty("imageTags").EnumerateArray().Select(t => t.GetString()).Order();
        Assert.Equal(["release", "v1"], tags);

        Fails(await ecr.EcrAsync(false, null, "put-image", "--repository-name", repo, "--image-tag", "release", "--image-manifest", manifest), "ImageAlreadyExistsException");
        // IMMUTABLE: "other" cannot be moved onto this manifest.
        Fails(await ecr.EcrAsync(false, null, "put-image", "--repository-name", repo, "--image-tag", "other", "--image-manifest", manifest), "ImageTagAlreadyExistsException");
        Fails(await ecr.EcrAsync(false, null, "put-image", "--repository-name", repo, "--image-tag", "x", "--image-digest", other.ToString(), "--image-manifest", manifest), "ImageDigestDoesNotMatchException");
        var missingLayer = manifest.Replace(JsonDocument.Parse(manifest).RootElement.GetProperty("layers")[0].GetProperty("digest").GetString()!, Digest.Compute("absent"u8).ToString(), StringComparison.Ordinal);
        Fails(await ecr.EcrAsync(false, null, "put-image", "--repository-name", repo, "--image-tag", "broken", "--image-manifest", missingLayer), "LayersNotFoundException");
        Fails(await ecr.EcrAsync(false, null, "put-image", "--repository-name", repo, "--image-tag", "junk", "--image-manifest", "{not a manifest"), "InvalidParameterException");
        Fails(await ecr.EcrAsync(false, null, "put-image", "--repository-name", "retag/none", "--image-manifest", manifest), "RepositoryNotFoundException");

        // Nothing the refusals touched changed.
        var after = Ok(await ecr.EcrAsync(false, null, "list-images", "--repository-name", repo)).GetProperty("imageIds").GetArrayLength();
        Assert.Equal(3, after); // v1, release (same digest), other
    }
}
