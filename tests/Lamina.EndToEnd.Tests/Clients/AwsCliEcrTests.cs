using System.Text.Json;
using Lamina.EndToEnd.Tests.Images;
using Lamina.EndToEnd.Tests.Infrastructure;
using Lamina.EndToEnd.Tests.Registries;

namespace Lamina.EndToEnd.Tests.Clients;

/// <summary>
/// The seed workflow with the real AWS CLIs (v2 at /usr/bin/aws, pip's v1 as `aws` on PATH):
/// create-repository, get-login-password as the registry password for a skopeo push, describe-images.
/// The CLIs are isolated from any host AWS configuration and use the server's generated keys.
/// </summary>
public sealed class AwsCliEcrTests(LaminaFixture fixture) : IClassFixture<LaminaFixture>, IDisposable
{
    private readonly TempDirectory _work = new("lamina-e2e-aws-");

    public static TheoryData<string, string> Clis => new()
    {
        { "/usr/bin/aws", "aws-cli/2." },
        { "aws", "aws-cli/1." },
    };

    [Theory]
    [MemberData(nameof(Clis))]
    public async Task Creates_a_repository_logs_in_pushes_and_describes_the_image(string cli, string expectedVersion)
    {
        var version = await RunAsync(cli, ["--version"]);
        Assert.True((version.StandardOutput + version.StandardError).Contains(expectedVersion, StringComparison.Ordinal),
            $"{cli} is not {expectedVersion}: {version}");
        var repository = "e2e/cli-v" + expectedVersion[8];

        using var created = JsonDocument.Parse((await RunAsync(cli, ["ecr", "create-repository", "--repository-name", repository])).EnsureSuccess().StandardOutput);
        var repo = created.RootElement.GetProperty("repository");
        Assert.Equal(repository, repo.GetProperty("repositoryName").GetString());
        Assert.Equal($"{fixture.Registry.Host}/{repository}", repo.GetProperty("repositoryUri").GetString());
        Assert.EndsWith(":repository/" + repository, repo.GetProperty("repositoryArn").GetString(), StringComparison.Ordinal);

        var password = (await RunAsync(cli, ["ecr", "get-login-password"])).EnsureSuccess().StandardOutput.Trim();
        Assert.False(string.IsNullOrEmpty(password));

        var layout = new OciLayout(_work.Combine("layout"));
        var image = layout.AddImage([layout.AddLayer(LayerContent.Random(51, 1 << 20)), layout.AddLayer(LayerContent.Compressible(52, 1 << 20))], tag: "v1");
        await Skopeo.CopyAsync(layout.Reference("v1"), $"docker://{repo.GetProperty("repositoryUri").GetString()}:v1", destinationCredentials: new RegistryCredentials("AWS", password));

        using var described = JsonDocument.Parse((await RunAsync(cli, ["ecr", "describe-images", "--repository-name", repository])).EnsureSuccess().StandardOutput);
        var detail = Assert.Single(described.RootElement.GetProperty("imageDetails").EnumerateArray());
        Assert.Equal(image.Manifest.Digest, detail.GetProperty("imageDigest").GetString());
        Assert.Equal(["v1"], detail.GetProperty("imageTags").EnumerateArray().Select(t => t.GetString()));
        Assert.True(detail.GetProperty("imageSizeInBytes").GetInt64() > 0);
    }

    private Task<ToolResult> RunAsync(string cli, IEnumerable<string> arguments)
    {
        var credentials = fixture.Lamina.AwsCredentials;
        File.WriteAllText(_work.Combine("config"), "");
        File.WriteAllText(_work.Combine("credentials"), "");
        return ToolRunner.RunAsync(cli, ["--endpoint-url", fixture.Registry.BaseAddress.ToString().TrimEnd('/'), "--output", "json", .. arguments], new Dictionary<string, string?>
        {
            ["AWS_CONFIG_FILE"] = _work.Combine("config"),
            ["AWS_SHARED_CREDENTIALS_FILE"] = _work.Combine("credentials"),
            ["AWS_ACCESS_KEY_ID"] = credentials.AccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = credentials.SecretAccessKey,
            ["AWS_DEFAULT_REGION"] = credentials.Region,
            ["AWS_REGION"] = credentials.Region,
            ["AWS_SESSION_TOKEN"] = null,
            ["AWS_PROFILE"] = null,
            ["AWS_PAGER"] = "",
            ["AWS_EC2_METADATA_DISABLED"] = "true",
        });
    }

    public void Dispose() => _work.Dispose();
}
