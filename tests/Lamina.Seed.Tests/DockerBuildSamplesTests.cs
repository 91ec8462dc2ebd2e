using System.Text;
using System.Text.Json.Nodes;
using Lamina.EndToEnd.Tests.Infrastructure;
using Lamina.Seed.Tests.Fixtures;

namespace Lamina.Seed.Tests;

/// <summary>
/// Every sample's Dockerfile also builds with <c>docker build</c> (Debian's docker.io, a private dockerd with no
/// bridge, builds on the host network), its base image pulled from the test's Lamina registry on 127.0.0.1
/// (trusted over plain HTTP by Docker's default for loopback), with the server's keys in a private DOCKER_CONFIG.
/// </summary>
[Collection(SeedCollection.Name)]
public sealed class DockerBuildSamplesTests(SeedServer server, Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private readonly DockerDaemon _docker = new();

    public Task InitializeAsync() => _docker.InitializeAsync();

    public Task DisposeAsync() => _docker.DisposeAsync();

    [Fact]
    public async Task Every_sample_dockerfile_builds_with_docker_from_lamina_base_images()
    {
        // Skipped only when dockerd cannot start here (say why); a missing docker.io is a failure with the fix.
        if (_docker.UnavailableReason is { } reason && !reason.Contains("not installed", StringComparison.Ordinal))
        {
            output.WriteLine("SKIPPED: docker build of the samples: dockerd cannot start here: " + reason);
            return;
        }
        Assert.True(_docker.UnavailableReason is null, _docker.UnavailableReason);
        var config = Directory.CreateTempSubdirectory("lseed-docker-config-").FullName;
        var keys = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{server.Host.Credentials.AccessKeyId}:{server.Host.Credentials.SecretAccessKey}"));
        await File.WriteAllTextAsync(Path.Combine(config, "config.json"),
            new JsonObject { ["auths"] = new JsonObject { [server.Authority] = new JsonObject { ["auth"] = keys } } }.ToJsonString());

        var samples = Directory.GetDirectories(SeedServer.Samples).Where(d => File.Exists(Path.Combine(d, "Dockerfile"))).Select(Path.GetFileName).ToArray();
        Assert.Contains("extension-telemetry", samples);
        foreach (var name in samples)
        {
            var context = server.CopySample(name!);
            if (name == "csharp-hello") SeedServer.CopyFiles(SeedServer.SampleBuildOutput("csharp-hello"), Path.Combine(context, "publish"));
            if (name == "csharp-aot")
            {
                Directory.CreateDirectory(Path.Combine(context, "publish"));
                File.Copy(Lamina.RuntimeSupport.Tests.Fixtures.AotSample.Path, Path.Combine(context, "publish", "bootstrap"), overwrite: true);
            }
            var tag = "lamina-samples/" + name + ":docker";
            var build = await _docker.RunAsync(["build", "--network", "host", "--build-arg", "REGISTRY=" + server.Authority, "-t", tag, context], config);
            Assert.True(build.ExitCode == 0, $"docker build {name}: {build}");
            var cmd = await _docker.RunAsync(["image", "inspect", "--format", "{{json .Config.Cmd}}", tag], config);
            Assert.True(cmd.ExitCode == 0, cmd.ToString());
            var dockerfile = await File.ReadAllTextAsync(Path.Combine(context, "Dockerfile"));
            var expected = dockerfile.Split('\n').Last(l => l.StartsWith("CMD ", StringComparison.Ordinal))["CMD ".Length..].Replace(" ", "", StringComparison.Ordinal);
            Assert.Equal(expected, cmd.StandardOutput.Trim());
            output.WriteLine($"docker build {name}: {tag}, CMD {expected}");
        }
        Directory.Delete(config, recursive: true);
    }
}
