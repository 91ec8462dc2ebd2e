using Lamina.Runtimes.Tests.Fixtures;

namespace Lamina.Runtimes.Tests;

[Collection(BuiltRuntimesCollection.Name)]
public sealed class ReproducibilityTests(BuiltRuntimes built)
{
    [Fact]
    public async Task SecondBuildIntoAnotherDirectoryGivesIdenticalDigests()
    {
        var other = Directory.CreateTempSubdirectory("lamina-runtimes-again-").FullName;
        try
        {
            var again = await RuntimeBuilder.BuildAsync(new RuntimeBuildOptions
            {
                OutputDirectory = other, AgentBinary = BuiltRuntimes.Agent, CacheDirectory = BuiltRuntimes.CacheDirectory,
            });
            Assert.Equal(built.Images.Select(i => (i.Reference, i.ManifestDigest)), again.Select(i => (i.Reference, i.ManifestDigest)));
            Assert.Equal(File.ReadAllBytes(Path.Combine(built.Layout, "index.json")), File.ReadAllBytes(Path.Combine(other, "index.json")));
        }
        finally
        {
            Directory.Delete(other, recursive: true);
        }
    }

    [Fact]
    public async Task DebianBaseLayerBuiltFromScratchHasTheSameDigest()
    {
        // A fresh cache: mmdebstrap runs again and the layer is rewritten from the new tree.
        var cache = Directory.CreateTempSubdirectory("lamina-runtimes-fresh-cache-").FullName;
        var layout = Directory.CreateTempSubdirectory("lamina-runtimes-fresh-").FullName;
        try
        {
            var fresh = await RuntimeBuilder.BuildAsync(new RuntimeBuildOptions
            {
                OutputDirectory = layout, AgentBinary = BuiltRuntimes.Agent, CacheDirectory = cache, Images = [RuntimeCatalog.Provided],
            });
            Assert.Equal(built["provided"].Layers[0], fresh[0].Layers[0]);
            Assert.Equal(built["provided"].ManifestDigest, fresh[0].ManifestDigest);
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
            Directory.Delete(layout, recursive: true);
        }
    }
}
