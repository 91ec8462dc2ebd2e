using System.Text;
using Lamina.EndToEnd.Tests.Images;
using Lamina.EndToEnd.Tests.Infrastructure;
using Lamina.EndToEnd.Tests.Registries;

namespace Lamina.EndToEnd.Tests.Clients;

/// <summary>
/// skopeo pushes images into the registry and pulls them back out; every digest must survive the
/// round trip byte for byte. Written once, run against every registry (see the subclasses).
/// </summary>
public abstract class SkopeoCopyTests(RegistryFixture fixture) : IDisposable
{
    private readonly TempDirectory _work = new("lamina-e2e-skopeo-");

    protected IRegistryUnderTest Registry => fixture.Registry;

    [Fact]
    public async Task Copies_an_image_in_and_out_with_every_digest_preserved()
    {
        var layout = new OciLayout(_work.Combine("src"));
        var image = layout.AddImage(
            [layout.AddLayer(LayerContent.Random(1, 3 << 20)), layout.AddLayer(LayerContent.Compressible(2, 4 << 20))],
            tag: "v1");

        await Skopeo.CopyAsync(layout.Reference("v1"), Skopeo.Docker(Registry, "e2e/app:v1"), destinationCredentials: Registry.Credentials);

        var raw = await Skopeo.InspectRawAsync(Skopeo.Docker(Registry, "e2e/app:v1"), Registry.Credentials);
        Assert.Equal(Encoding.UTF8.GetString(LayoutReader.ReadBlob(layout.Directory, image.Manifest.Digest)), raw);
        Assert.Equal(image.Manifest.Digest, await Skopeo.InspectDigestAsync(Skopeo.Docker(Registry, "e2e/app:v1"), Registry.Credentials));
        Assert.Equal(image.Manifest.Digest, await Skopeo.InspectDigestAsync(Skopeo.Docker(Registry, "e2e/app@" + image.Manifest.Digest), Registry.Credentials));

        var pulled = _work.Combine("pulled");
        await Skopeo.CopyAsync(Skopeo.Docker(Registry, "e2e/app:v1"), $"oci:{pulled}:v1", sourceCredentials: Registry.Credentials);
        Assert.Equal(image.Manifest.Digest, LayoutReader.TagDigest(pulled, "v1"));
        Assert.Equal(4, LayoutReader.VerifyClosure(pulled, image.Manifest.Digest));
    }

    [Fact]
    public async Task Copies_a_multi_platform_index_with_all()
    {
        var layout = new OciLayout(_work.Combine("multi"));
        var shared = layout.AddLayer(LayerContent.Compressible(10, 1 << 20, "etc/shared.txt"));
        var amd64 = layout.AddImage([shared, layout.AddLayer(LayerContent.Random(11, 1 << 20, "bin/app-amd64"))], architecture: "amd64");
        var arm64 = layout.AddImage([shared, layout.AddLayer(LayerContent.Random(12, 1 << 20, "bin/app-arm64"))], architecture: "arm64");
        var index = layout.AddIndex([amd64, arm64], tag: "multi");

        await Skopeo.CopyAsync(layout.Reference("multi"), Skopeo.Docker(Registry, "e2e/multi:1.0"), destinationCredentials: Registry.Credentials, all: true);

        Assert.Equal(index.Digest, await RawDigestAsync("e2e/multi:1.0"));
        foreach (var child in new[] { amd64, arm64 })
        {
            Assert.Equal(child.Manifest.Digest, await RawDigestAsync("e2e/multi@" + child.Manifest.Digest));
        }

        var pulled = _work.Combine("multi-pulled");
        await Skopeo.CopyAsync(Skopeo.Docker(Registry, "e2e/multi:1.0"), $"oci:{pulled}:multi", sourceCredentials: Registry.Credentials, all: true);
        Assert.Equal(index.Digest, LayoutReader.TagDigest(pulled, "multi"));
        // index + 2 × (manifest + config + 2 layers), the shared layer counted under each manifest.
        Assert.Equal(9, LayoutReader.VerifyClosure(pulled, index.Digest));
    }

    [Fact]
    public async Task Copies_an_image_built_by_umoci()
    {
        var layout = _work.Combine("umoci");
        var random = new byte[2 << 20];
        new Random(21).NextBytes(random);
        var text = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("compressible umoci layer\n", 100_000)));
        var digest = await Umoci.BuildAsync(layout, "built", _work.Combine("umoci-scratch"), [("/opt/random.bin", random), ("/opt/text.txt", text)]);

        await Skopeo.CopyAsync($"oci:{layout}:built", Skopeo.Docker(Registry, "e2e/umoci:built"), destinationCredentials: Registry.Credentials);
        Assert.Equal(digest, await RawDigestAsync("e2e/umoci:built"));

        var pulled = _work.Combine("umoci-pulled");
        await Skopeo.CopyAsync(Skopeo.Docker(Registry, "e2e/umoci:built"), $"oci:{pulled}:built", sourceCredentials: Registry.Credentials);
        Assert.Equal(digest, LayoutReader.TagDigest(pulled, "built"));
        Assert.Equal(4, LayoutReader.VerifyClosure(pulled, digest));
    }

    private async Task<string> RawDigestAsync(string repositoryAndReference)
    {
        var raw = await Skopeo.InspectRawAsync(Skopeo.Docker(Registry, repositoryAndReference), Registry.Credentials);
        return Blob.Sha256(Encoding.UTF8.GetBytes(raw));
    }

    public void Dispose()
    {
        _work.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class SkopeoCopyOnDistribution(DistributionFixture fixture) : SkopeoCopyTests(fixture), IClassFixture<DistributionFixture>;

public sealed class SkopeoCopyOnLamina(LaminaFixture fixture) : SkopeoCopyTests(fixture), IClassFixture<LaminaFixture>;
