using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Lamina.Oci;

namespace Lamina.Registry.Tests.Ecr;

/// <summary>Image operations and registry login driven by the real AWS CLIs.</summary>
public sealed class AwsCliImageTests(EcrTestHost ecr) : IClassFixture<EcrTestHost>
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
    public async Task Describe_list_get_check_and_delete_images()
    {
        const string repo = "images/app";
        Ok(await ecr.EcrAsync(false, null, "create-repository", "--repository-name", repo));
        var v1 = await ecr.SeedImageAsync(repo, "v1", "one");
        var v2 = await ecr.SeedImageAsync(repo, "v2", "two");
        var untagged = await ecr.SeedImageAsync(repo, null, "three");

        var details = Ok(await ecr.EcrAsync(false, null, "describe-images", "--repository-name", repo)).GetProperty("imageDetails").EnumerateArray().ToList();
        Assert.Equal(3, details.Count);
        var d1 = details.Single(d => d.GetProperty("imageDigest").GetString() == v1.ToString());
        Assert.Equal(["v1"], d1.GetProperty("imageTags").EnumerateArray().Select(t => t.GetString()));
        Assert.True(d1.GetProperty("imageSizeInBytes").GetInt64() > 64);
        Assert.Equal(MediaTypes.OciManifest, d1.GetProperty("imageManifestMediaType").GetString());
        Assert.Equal(MediaTypes.OciConfig, d1.GetProperty("artifactMediaType").GetString());
        Assert.Equal(repo, d1.GetProperty("repositoryName").GetString());
        Assert.Equal("000000000000", d1.GetProperty("registryId").GetString());
        Assert.True(d1.TryGetProperty("imagePushedAt", out _));

        var onlyUntagged = Ok(await ecr.EcrAsync(false, null, "describe-images", "--repository-name", repo, "--filter", "tagStatus=UNTAGGED")).GetProperty("imageDetails");
        Assert.Equal(untagged.ToString(), onlyUntagged.EnumerateArray().Single().GetProperty("imageDigest").GetString());
        var byTag = Ok(await ecr.EcrAsync(false, null, "describe-images", "--repository-name", repo, "--image-ids", "imageTag=v2")).GetProperty("imageDetails");
        Assert.Equal(v2.ToString(), byTag.EnumerateArray().Single().GetProperty("imageDigest").GetString());
        Fails(await ecr.EcrAsync(false, null, "describe-images", "--repository-name", repo, "--image-ids", "imageTag=nope"), "ImageNotFoundException");
        Fails(await ecr.EcrAsync(false, null, "describe-images", "--repository-name", "no/repo"), "RepositoryNotFoundException");
        var paged = Ok(await ecr.EcrAsync(false, null, "describe-images", "--repository-name", repo, "--page-size", "1")).GetProperty("imageDetails");
        Assert.Equal(3, paged.GetArrayLength());

        var ids = Ok(await ecr.EcrAsync(true, null, "list-images", "--repository-name", repo)).GetProperty("imageIds").EnumerateArray()
            .Select(i => (i.GetProperty("imageDigest").GetString(), i.TryGetProperty("imageTag", out var t) ? t.GetString() : null)).ToHashSet();
        Assert.Equal([(v1.ToString(), "v1"), (v2.ToString(), "v2"), (untagged.ToString(), null)], ids);

        var got = Ok(await ecr.EcrAsync(false, null, "batch-get-image", "--repository-name", repo, "--image-ids", "imageTag=v1", "imageTag=missing"));
        var image = got.GetProperty("images")[0];
        Assert.Equal(v1, Digest.Compute(Encoding.UTF8.GetBytes(image.GetProperty("imageManifest").GetString()!)));
        Assert.Equal("v1", image.GetProperty("imageId").GetProperty("imageTag").GetString());
        Assert.Equal("ImageNotFound", got.GetProperty("failures")[0].GetProperty("failureCode").GetString());

        var manifest = JsonDocument.Parse(image.GetProperty("imageManifest").GetString()!).RootElement;
        var layer = manifest.GetProperty("layers")[0].GetProperty("digest").GetString()!;
        var missing = Digest.Compute("absent"u8).ToString();
        var check = Ok(await ecr.EcrAsync(false, null, "batch-check-layer-availability", "--repository-name", repo, "--layer-digests", layer, missing, "sha256:bad"));
        Assert.Equal("AVAILABLE", check.GetProperty("layers")[0].GetProperty("layerAvailability").GetString());
        Assert.Equal(manifest.GetProperty("layers")[0].GetProperty("size").GetInt64(), check.GetProperty("layers")[0].GetProperty("layerSize").GetInt64());
        Assert.Equal(["MissingLayerDigest", "InvalidLayerDigest"], check.GetProperty("failures").EnumerateArray().Select(f => f.GetProperty("failureCode").GetString()));

        var mismatch = Ok(await ecr.EcrAsync(false, null, "batch-delete-image", "--repository-name", repo, "--image-ids", $"imageDigest={v2},imageTag=v1"));
        Assert.Equal("ImageTagDoesNotMatchDigest", mismatch.GetProperty("failures")[0].GetProperty("failureCode").GetString());
        Assert.Equal(0, mismatch.GetProperty("imageIds").GetArrayLength());
        var deleted = Ok(await ecr.EcrAsync(false, null, "batch-delete-image", "--repository-name", repo, "--image-ids", "imageTag=v1", $"imageDigest={untagged}"));
        Assert.Equal(2, deleted.GetProperty("imageIds").GetArrayLength());
        Assert.Equal(0, deleted.GetProperty("failures").GetArrayLength());
        var left = Ok(await ecr.EcrAsync(false, null, "describe-images", "--repository-name", repo)).GetProperty("imageDetails");
        Assert.Equal(v2.ToString(), left.EnumerateArray().Single().GetProperty("imageDigest").GetString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Get_login_password_is_the_AWS_password_of_the_registry(bool v1)
    {
        var result = await ecr.EcrAsync(v1, null, "get-login-password");
        Assert.True(result.ExitCode == 0, result.ToString());
        var password = result.Stdout.Trim();
        Assert.DoesNotContain(':', password);

        using var http = new HttpClient { BaseAddress = ecr.Host.BaseAddress };
        var basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("AWS:" + password)));
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/v2/token?service=lamina&scope=repository:any/repo:pull,push"))
        {
            request.Headers.Authorization = basic;
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/v2/token?service=lamina"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("AWS:" + password[..^4] + "AAAA")));
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    [Fact]
    public async Task Get_authorization_token_names_the_endpoint_and_a_twelve_hour_expiry()
    {
        var data = Ok(await ecr.EcrAsync(false, null, "get-authorization-token")).GetProperty("authorizationData")[0];
        Assert.Equal($"http://{ecr.Authority}", data.GetProperty("proxyEndpoint").GetString());
        var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(data.GetProperty("authorizationToken").GetString()!));
        Assert.StartsWith("AWS:", decoded, StringComparison.Ordinal);
        var expires = DateTimeOffset.Parse(data.GetProperty("expiresAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var hours = (expires - DateTimeOffset.UtcNow).TotalHours;
        Assert.InRange(hours, 11, 12.1);
    }
}
