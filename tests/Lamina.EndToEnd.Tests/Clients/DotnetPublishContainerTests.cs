using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using Lamina.EndToEnd.Tests.Images;
using Lamina.EndToEnd.Tests.Infrastructure;
using Lamina.EndToEnd.Tests.Registries;

namespace Lamina.EndToEnd.Tests.Clients;

/// <summary>
/// <c>dotnet publish -t:PublishContainer</c> of samples/hello-console, pulling its base image from the
/// registry under test and pushing the result there, with credentials from DOCKER_CONFIG. There is
/// no internet here, so the test first pushes a small linux/amd64 base image itself.
/// </summary>
public abstract class DotnetPublishContainerTests(RegistryFixture fixture) : IDisposable
{
    private readonly TempDirectory _work = new("lamina-e2e-publish-");

    protected IRegistryUnderTest Registry => fixture.Registry;

    [Fact]
    public async Task Publishes_a_console_app_onto_a_base_image_from_the_registry()
    {
        var layout = new OciLayout(_work.Combine("base"));
        var baseImage = layout.AddImage(
            [layout.AddLayer(LayerContent.Compressible(41, 256 << 10, "etc/base-release")), layout.AddLayer(LayerContent.Random(42, 512 << 10, "usr/lib/base.bin"))],
            tag: "latest");
        await Skopeo.CopyAsync(layout.Reference("latest"), Skopeo.Docker(Registry, "base:latest"), destinationCredentials: Registry.Credentials);

        var project = _work.Combine("hello-console");
        CopyDirectory(Path.Combine(BuildInfo.RepositoryRoot, "samples", "hello-console"), project);
        var publish = await ToolRunner.RunAsync(
            "dotnet",
            [
                "publish", project, "-t:PublishContainer", "-c", "Release", "--disable-build-servers", "-nologo",
                "-p:EnableSdkContainerSupport=true",
                $"-p:ContainerRegistry={Registry.Host}",
                "-p:ContainerRepository=e2e/hello-console",
                "-p:ContainerImageTag=1.0",
                $"-p:ContainerBaseImage={Registry.Host}/base:latest",
            ],
            environment: new Dictionary<string, string?>
            {
                ["DOTNET_CONTAINER_INSECURE_REGISTRIES"] = Registry.Host,
                ["DOCKER_CONFIG"] = DockerConfig.Write(_work.Combine("docker-config"), Registry),
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
                ["DOTNET_NOLOGO"] = "1",
                // Compiler response files and NuGet scratch stay in this test's directory, safe from /tmp clean-ups.
                ["TMPDIR"] = Directory.CreateDirectory(_work.Combine("tmp")).FullName,
                // The test host's MSBuild variables would point the child build at the wrong SDK pieces.
                ["MSBuildExtensionsPath"] = null,
                ["MSBuildSDKsPath"] = null,
                ["MSBUILD_EXE_PATH"] = null,
                ["DOTNET_HOST_PATH"] = null,
            },
            workingDirectory: project,
            timeout: TimeSpan.FromMinutes(8));
        publish.EnsureSuccess();

        // The pushed image is fetchable, built on the base image's layers, with the app in a new layer.
        var pulled = _work.Combine("pulled");
        await Skopeo.CopyAsync(Skopeo.Docker(Registry, "e2e/hello-console:1.0"), $"oci:{pulled}:1.0", sourceCredentials: Registry.Credentials, preserveDigests: true);
        var manifestDigest = LayoutReader.TagDigest(pulled, "1.0");
        LayoutReader.VerifyClosure(pulled, manifestDigest);
        var referenced = LayoutReader.ReferencedDigests(LayoutReader.ReadBlob(pulled, manifestDigest));
        var layers = referenced.Skip(1).ToList();
        Assert.Equal(baseImage.Layers.Select(l => l.Blob.Digest), layers.Take(baseImage.Layers.Count));
        Assert.Equal(baseImage.Layers.Count + 1, layers.Count);
        Assert.Contains(LayerEntries(LayoutReader.ReadBlob(pulled, layers[^1])), e => e.EndsWith("hello-console.dll", StringComparison.Ordinal));

        using var config = JsonDocument.Parse(LayoutReader.ReadBlob(pulled, referenced[0]));
        Assert.Equal("linux", config.RootElement.GetProperty("os").GetString());
        Assert.Equal("amd64", config.RootElement.GetProperty("architecture").GetString());
    }

    private static List<string> LayerEntries(byte[] gzippedTar)
    {
        using var gzip = new GZipStream(new MemoryStream(gzippedTar), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        var names = new List<string>();
        while (tar.GetNextEntry() is { } entry) names.Add(entry.Name);
        return names;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    public void Dispose()
    {
        _work.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class DotnetPublishContainerOnLamina(LaminaFixture fixture) : DotnetPublishContainerTests(fixture), IClassFixture<LaminaFixture>;
