using System.Text.Json;
using Lamina.EndToEnd.Tests.Images;
using Lamina.EndToEnd.Tests.Infrastructure;
using Lamina.EndToEnd.Tests.Registries;

namespace Lamina.EndToEnd.Tests.Clients;

/// <summary>
/// A real Docker engine logs in, pushes and pulls. docker re-packs layers on push (Docker v2 schema 2
/// manifest), so what must survive is the image identity: the config digest docker calls the image ID.
/// </summary>
[Collection(DockerCollection.Name)]
public abstract class DockerEngineTests(RegistryFixture fixture, DockerDaemon docker) : IDisposable
{
    private readonly TempDirectory _work = new("lamina-e2e-docker-");

    protected IRegistryUnderTest Registry => fixture.Registry;

    [SkippableFact]
    public async Task Logs_in_pushes_and_pulls_an_image()
    {
        Skip.If(docker.UnavailableReason is not null, docker.UnavailableReason);

        var layout = new OciLayout(_work.Combine("layout"));
        var image = layout.AddImage([layout.AddLayer(LayerContent.Random(61, 1 << 20, "opt/random.bin")), layout.AddLayer(LayerContent.Compressible(62, 2 << 20, "opt/text.txt"))], tag: "v1");
        var archive = _work.Combine("image.tar");
        var local = $"lamina-e2e/{Registry.Name}-src:v1";
        await Skopeo.CopyAsync(layout.Reference("v1"), $"docker-archive:{archive}:{local}", preserveDigests: false);
        (await docker.RunAsync(["load", "-i", archive])).EnsureSuccess();

        var config = _work.Combine("docker-config");
        Directory.CreateDirectory(config);
        if (Registry.Credentials is { } c)
        {
            var login = (await docker.RunAsync(["login", "-u", c.UserName, "--password-stdin", Registry.Host], config, c.Password)).EnsureSuccess();
            Assert.Contains("Login Succeeded", login.StandardOutput, StringComparison.Ordinal);
        }

        var remote = $"{Registry.Host}/e2e/docker:v1";
        (await docker.RunAsync(["tag", local, remote], config)).EnsureSuccess();
        (await docker.RunAsync(["push", remote], config)).EnsureSuccess();
        (await docker.RunAsync(["rmi", remote, local], config)).EnsureSuccess();
        Assert.NotEqual(0, (await docker.RunAsync(["image", "inspect", remote], config)).ExitCode);

        (await docker.RunAsync(["pull", remote], config)).EnsureSuccess();
        var id = (await docker.RunAsync(["image", "inspect", "--format", "{{.Id}}", remote], config)).EnsureSuccess().StandardOutput.Trim();
        Assert.Equal(image.Config.Digest, id);

        // What docker pushed is a Docker v2 schema 2 manifest over the same config, readable by other clients.
        using var manifest = JsonDocument.Parse(await Skopeo.InspectRawAsync(Skopeo.Docker(Registry, "e2e/docker:v1"), Registry.Credentials));
        Assert.Equal("application/vnd.docker.distribution.manifest.v2+json", manifest.RootElement.GetProperty("mediaType").GetString());
        Assert.Equal(image.Config.Digest, manifest.RootElement.GetProperty("config").GetProperty("digest").GetString());
        Assert.Equal(2, manifest.RootElement.GetProperty("layers").GetArrayLength());

        await docker.RunAsync(["rmi", remote], config);
    }

    public void Dispose()
    {
        _work.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class DockerEngineOnDistribution(DistributionFixture fixture, DockerDaemon docker)
    : DockerEngineTests(fixture, docker), IClassFixture<DistributionFixture>;

public sealed class DockerEngineOnLamina(LaminaFixture fixture, DockerDaemon docker)
    : DockerEngineTests(fixture, docker), IClassFixture<LaminaFixture>;
