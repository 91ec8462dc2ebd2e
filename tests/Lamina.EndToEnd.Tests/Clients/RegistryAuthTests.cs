using Lamina.EndToEnd.Tests.Images;
using Lamina.EndToEnd.Tests.Infrastructure;
using Lamina.EndToEnd.Tests.Registries;

namespace Lamina.EndToEnd.Tests.Clients;

/// <summary>Authentication is on by default: real clients without the right credentials get nothing in.</summary>
public sealed class RegistryAuthTests(LaminaFixture fixture) : IClassFixture<LaminaFixture>, IDisposable
{
    private readonly TempDirectory _work = new("lamina-e2e-auth-");

    [Theory]
    [InlineData("AWS", "not-the-password")]
    [InlineData("generated-key-id", "wrong-secret")]
    public async Task A_wrong_password_is_refused_and_nothing_is_stored(string user, string password)
    {
        if (user == "generated-key-id") user = fixture.Lamina.AwsCredentials.AccessKeyId;
        var layout = new OciLayout(_work.Combine("bad-creds-" + user));
        layout.AddImage([layout.AddLayer(LayerContent.Random(53, 64 << 10))], tag: "v1");
        var refused = await Assert.ThrowsAsync<ToolFailedException>(() => Skopeo.CopyAsync(
            layout.Reference("v1"), Skopeo.Docker(fixture.Registry, "e2e/bad-creds:v1"), destinationCredentials: new RegistryCredentials(user, password)));
        Assert.Contains("unauthorized", refused.Result.StandardError, StringComparison.OrdinalIgnoreCase);

        var inspect = await ToolRunner.RunAsync("skopeo", ["inspect", "--raw", "--tls-verify=false", "--creds", fixture.Registry.Credentials!.SkopeoForm, Skopeo.Docker(fixture.Registry, "e2e/bad-creds:v1")]);
        Assert.NotEqual(0, inspect.ExitCode);
        // Not even the repository exists: a refused push creates nothing (NAME_UNKNOWN, as ECR answers).
        Assert.Contains("name unknown", inspect.StandardError, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_anonymous_pull_is_refused()
    {
        var layout = new OciLayout(_work.Combine("anon"));
        layout.AddImage([layout.AddLayer(LayerContent.Random(54, 64 << 10))], tag: "v1");
        await Skopeo.CopyAsync(layout.Reference("v1"), Skopeo.Docker(fixture.Registry, "e2e/anon:v1"), destinationCredentials: fixture.Registry.Credentials);

        var anonymous = await ToolRunner.RunAsync("skopeo", ["inspect", "--raw", "--tls-verify=false", "--no-creds", Skopeo.Docker(fixture.Registry, "e2e/anon:v1")]);
        Assert.NotEqual(0, anonymous.ExitCode);
        Assert.Contains("unauthorized", anonymous.StandardError, StringComparison.OrdinalIgnoreCase);
    }

    public void Dispose() => _work.Dispose();
}
