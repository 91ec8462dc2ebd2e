using Lamina.EndToEnd.Tests.Images;
using Lamina.EndToEnd.Tests.Infrastructure;
using Lamina.EndToEnd.Tests.Registries;

namespace Lamina.EndToEnd.Tests.Clients;

/// <summary>
/// Two images sharing their base layers, pushed to two repositories: the store must hold each
/// layer's bytes once, and a re-push must upload nothing it already has.
/// </summary>
public abstract class LayerDedupTests(RegistryFixture fixture) : IDisposable
{
    private readonly TempDirectory _work = new("lamina-e2e-dedup-");

    protected IRegistryUnderTest Registry => fixture.Registry;

    [Fact]
    public async Task Stores_shared_base_layers_once_across_repositories()
    {
        var layout = new OciLayout(_work.Combine("layout"));
        var baseRandom = layout.AddLayer(LayerContent.Random(31, (2 << 20) + 17, "base/random.bin"));
        var baseText = layout.AddLayer(LayerContent.Compressible(32, 3 << 20, "base/text.txt"));
        var appA = layout.AddLayer(LayerContent.Random(33, 300_001, "app/a.bin"));
        var appB = layout.AddLayer(LayerContent.Random(34, 300_002, "app/b.bin"));
        layout.AddImage([baseRandom, baseText, appA], tag: "a");
        layout.AddImage([baseRandom, baseText, appB], tag: "b");

        await Skopeo.CopyAsync(layout.Reference("a"), Skopeo.Docker(Registry, "e2e/dedup-one:a"), destinationCredentials: Registry.Credentials);
        await Skopeo.CopyAsync(layout.Reference("b"), Skopeo.Docker(Registry, "e2e/dedup-two:b"), destinationCredentials: Registry.Credentials);

        foreach (var layer in new[] { baseRandom, baseText, appA, appB })
        {
            var copies = StoredCopies(layer.Blob);
            Assert.True(copies.Count == 1, $"{Registry.Name} holds {copies.Count} copies of {layer.Blob.Digest}: {string.Join(", ", copies)}");
        }

        // Re-pushing an image whose every blob is already in that repository sends no layer again.
        var again = await Skopeo.CopyAsync(layout.Reference("b"), Skopeo.Docker(Registry, "e2e/dedup-two:b2"), destinationCredentials: Registry.Credentials, debug: true);
        foreach (var layer in new[] { baseRandom, baseText, appB })
        {
            Assert.Contains($"Skipping blob {layer.Blob.Digest} (already present)", again.StandardError, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("/blobs/uploads/", again.StandardError, StringComparison.Ordinal);
    }

    /// <summary>
    /// Files anywhere under the registry's storage holding exactly this blob's bytes — found by size,
    /// confirmed by hash, so the check does not depend on either implementation's layout.
    /// </summary>
    private List<string> StoredCopies(Blob blob) =>
        Directory.EnumerateFiles(Registry.StorageDirectory, "*", SearchOption.AllDirectories)
            .Where(f => new FileInfo(f).Length == blob.Size)
            .Where(f =>
            {
                using var stream = File.OpenRead(f);
                return Blob.Sha256(stream) == blob.Digest;
            })
            .ToList();

    public void Dispose()
    {
        _work.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class LayerDedupOnDistribution(DistributionFixture fixture) : LayerDedupTests(fixture), IClassFixture<DistributionFixture>;

public sealed class LayerDedupOnLamina(LaminaFixture fixture) : LayerDedupTests(fixture), IClassFixture<LaminaFixture>;
