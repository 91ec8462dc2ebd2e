using System.Net;
using System.Text;
using System.Text.Json;
using Lamina.Registry.Auth;
using Lamina.Registry.Storage;
using Lamina.Registry.Tests.Interop;
using Microsoft.Extensions.DependencyInjection;

namespace Lamina.Registry.Tests.Ecr;

/// <summary>
/// Authentication against the real /v2/ handlers with auth on: the Bearer flow by hand, ECR login passwords,
/// skopeo with <c>--dest-creds AWS:$(aws ecr get-login-password)</c>, tag immutability and lifecycle after push.
/// </summary>
public sealed class RegistryAuthEndToEndTests(EcrTestHost ecr) : IClassFixture<EcrTestHost>
{
    private HttpClient Http() => new() { BaseAddress = ecr.Host.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };

    private string KeysBasic => new BasicCredentials(ecr.Host.Credentials.AccessKeyId, ecr.Host.Credentials.SecretAccessKey).ToHeader();

    private async Task<string> LoginPasswordAsync()
    {
        var result = await ecr.EcrAsync(false, null, "get-login-password");
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout.Trim();
    }

    [Fact]
    public async Task The_bearer_flow_by_hand_pushes_and_pulls_through_the_real_handlers()
    {
        using var http = Http();
        using var anonymous = await http.GetAsync(new Uri("/v2/e2e/app/manifests/v1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var challenge = anonymous.Headers.WwwAuthenticate.Single();
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains("scope=\"repository:e2e/app:pull\"", challenge.Parameter, StringComparison.Ordinal);
        Assert.Contains($"realm=\"http://{ecr.Authority}/v2/token\"", challenge.Parameter, StringComparison.Ordinal);

        using var tokenRequest = new HttpRequestMessage(HttpMethod.Get, "/v2/token?service=lamina&scope=repository:e2e/app:pull,push");
        tokenRequest.Headers.TryAddWithoutValidation("Authorization", KeysBasic);
        using var tokenResponse = await http.SendAsync(tokenRequest);
        Assert.Equal(HttpStatusCode.OK, tokenResponse.StatusCode);
        var token = JsonDocument.Parse(await tokenResponse.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString();

        var digest = await RegistryPusher.PushImageAsync(http, "Bearer " + token, "e2e/app", "v1", "bearer");

        // The ECR login password (user AWS) pulls it back.
        var basic = new BasicCredentials("AWS", await LoginPasswordAsync()).ToHeader();
        using var pull = new HttpRequestMessage(HttpMethod.Get, "/v2/e2e/app/manifests/v1");
        pull.Headers.TryAddWithoutValidation("Authorization", basic);
        using var pulled = await http.SendAsync(pull);
        Assert.Equal(HttpStatusCode.OK, pulled.StatusCode);
        Assert.Equal(digest.ToString(), pulled.Headers.GetValues("Docker-Content-Digest").Single());

        // The push token does not reach another repository, and a wrong password is refused, not a 500.
        using var elsewhere = new HttpRequestMessage(HttpMethod.Get, "/v2/other/app/manifests/v1");
        elsewhere.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(elsewhere)).StatusCode);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/v2/e2e/app/manifests/v1");
        wrong.Headers.TryAddWithoutValidation("Authorization", new BasicCredentials(ecr.Host.Credentials.AccessKeyId, "wrong").ToHeader());
        using var wrongResponse = await http.SendAsync(wrong);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongResponse.StatusCode);
        Assert.Contains("UNAUTHORIZED", await wrongResponse.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Skopeo_pushes_with_the_ecr_login_password_and_fails_without_it()
    {
        var work = Directory.CreateTempSubdirectory("lamina-skopeo-auth-").FullName;
        try
        {
            var source = Path.Combine(work, "src");
            var digest = OciLayout.Create(source, "v1", 64 * 1024);
            var target = $"docker://{ecr.Authority}/skopeo/app:v1";

            var anonymous = await Tool.RunAsync("skopeo", "copy", "--dest-tls-verify=false", $"oci:{source}:v1", target);
            Assert.True(anonymous.ExitCode != 0, anonymous.Output);
            var wrong = await Tool.RunAsync("skopeo", "copy", "--dest-tls-verify=false", "--dest-creds", "AWS:not-a-token", $"oci:{source}:v1", target);
            Assert.True(wrong.ExitCode != 0, wrong.Output);

            var password = await LoginPasswordAsync();
            var push = await Tool.RunAsync("skopeo", "copy", "--dest-tls-verify=false", "--dest-creds", "AWS:" + password, $"oci:{source}:v1", target);
            Assert.True(push.ExitCode == 0, push.Output);
            var inspect = await Tool.RunAsync("skopeo", "inspect", "--tls-verify=false", "--creds", "AWS:" + password, "--raw", target);
            Assert.True(inspect.ExitCode == 0, inspect.Output);

            var described = await ecr.EcrAsync(true, null, "describe-images", "--repository-name", "skopeo/app");
            Assert.True(described.ExitCode == 0, described.ToString());
            Assert.Contains(digest.ToString(), described.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task An_immutable_repository_refuses_to_move_a_tag()
    {
        using var http = Http();
        var created = await ecr.EcrAsync(false, null, "create-repository", "--repository-name", "immutable/app", "--image-tag-mutability", "IMMUTABLE");
        Assert.True(created.ExitCode == 0, created.ToString());
        var first = await RegistryPusher.PushImageAsync(http, KeysBasic, "immutable/app", "v1", "first");
        var second = await RegistryPusher.PushImageAsync(http, KeysBasic, "immutable/app", "v2", "second");
        var manifest = (await ecr.Host.Services.GetRequiredService<IRegistryMetadata>().GetManifestByTagAsync("immutable/app", "v2"))!;
        var bytes = await File.ReadAllBytesAsync(ecr.Host.Services.GetRequiredService<IBlobStore>().GetPath(manifest.Digest)!);
        using var moved = await RegistryPusher.PutManifestAsync(http, KeysBasic, "immutable/app", "v1", bytes);
        Assert.Equal(HttpStatusCode.BadRequest, moved.StatusCode);
        Assert.Equal(second, manifest.Digest);
        var tagged = await ecr.EcrAsync(false, null, "describe-images", "--repository-name", "immutable/app", "--image-ids", "imageTag=v1");
        Assert.True(tagged.ExitCode == 0, tagged.ToString());
        Assert.Contains(first.ToString(), tagged.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lifecycle_policy_expires_old_images_after_pushes()
    {
        using var http = Http();
        const string repo = "lifecycle/app";
        Assert.Equal(0, (await ecr.EcrAsync(false, null, "create-repository", "--repository-name", repo)).ExitCode);
        const string policy = """{"rules":[{"rulePriority":1,"description":"keep the two newest","selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":2},"action":{"type":"expire"}}]}""";
        var put = await ecr.EcrAsync(false, null, "put-lifecycle-policy", "--repository-name", repo, "--lifecycle-policy-text", policy);
        Assert.True(put.ExitCode == 0, put.ToString());

        for (var i = 1; i <= 5; i++) await RegistryPusher.PushImageAsync(http, KeysBasic, repo, $"v{i}", $"lifecycle-{i}");

        // Evaluation runs after each push on the lifecycle service's own loop; wait (generously) for it to settle.
        var metadata = ecr.Host.Services.GetRequiredService<IRegistryMetadata>();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        IReadOnlyList<ImageRecord> images;
        while ((images = await metadata.ListImagesAsync(repo)).Count > 2 && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Equal(2, images.Count);

        var described = await ecr.EcrAsync(false, null, "describe-images", "--repository-name", repo);
        Assert.True(described.ExitCode == 0, described.ToString());
        var tags = JsonDocument.Parse(described.Stdout).RootElement.GetProperty("imageDetails").EnumerateArray()
            .SelectMany(d => d.GetProperty("imageTags").EnumerateArray().Select(t => t.GetString())).Order().ToList();
        Assert.Equal(["v4", "v5"], tags);

        var got = await ecr.EcrAsync(false, null, "get-lifecycle-policy", "--repository-name", repo);
        Assert.True(got.ExitCode == 0, got.ToString());
        Assert.True(JsonDocument.Parse(got.Stdout).RootElement.TryGetProperty("lastEvaluatedAt", out _), got.Stdout);
    }
}
