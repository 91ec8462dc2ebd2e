using System.Text.Json;
using Lamina.Runtimes.Tests.Fixtures;

namespace Lamina.Runtimes.Tests;

/// <summary>Building into a directory that already holds things: other images stay, foreign content is refused untouched.</summary>
[Collection(BuiltRuntimesCollection.Name)]
public sealed class LayoutTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("lamina-runtimes-layout-").FullName;

    private Task<IReadOnlyList<BuiltImage>> BuildProvidedAsync() => RuntimeBuilder.BuildAsync(new RuntimeBuildOptions
    {
        OutputDirectory = dir, AgentBinary = BuiltRuntimes.Agent, CacheDirectory = BuiltRuntimes.CacheDirectory, Images = [RuntimeCatalog.Provided],
    });

    [Fact]
    public async Task BuildingIntoAnExistingLayoutKeepsItsOtherImages()
    {
        const string other = """{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","size":3,"annotations":{"org.opencontainers.image.ref.name":"mine-1"}}""";
        File.WriteAllText(Path.Combine(dir, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        File.WriteAllText(Path.Combine(dir, "index.json"), $$"""{"schemaVersion":2,"manifests":[{{other}}]}""");
        await BuildProvidedAsync();
        var built = await BuildProvidedAsync(); // twice: the provided entry is replaced, not duplicated
        using var index = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "index.json")));
        var names = index.RootElement.GetProperty("manifests").EnumerateArray()
            .Select(m => m.GetProperty("annotations").GetProperty("org.opencontainers.image.ref.name").GetString()).ToList();
        Assert.Equal(["mine-1", built[0].RefName], names);
    }

    [Fact]
    public async Task DirectoryThatIsNotALayoutIsRefusedAndLeftAlone()
    {
        var precious = Path.Combine(dir, "notes.txt");
        File.WriteAllText(precious, "keep me");
        var e = await Assert.ThrowsAsync<RuntimeBuildException>(BuildProvidedAsync);
        Assert.Contains("not an OCI image layout", e.Message);
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
        Assert.Equal("keep me", File.ReadAllText(precious));
    }

    [Fact]
    public async Task CorruptIndexIsRefusedAndLeftAlone()
    {
        File.WriteAllText(Path.Combine(dir, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        File.WriteAllText(Path.Combine(dir, "index.json"), "{not json");
        var e = await Assert.ThrowsAsync<RuntimeBuildException>(BuildProvidedAsync);
        Assert.Contains("is not a valid OCI index", e.Message);
        Assert.Equal("{not json", File.ReadAllText(Path.Combine(dir, "index.json")));
        Assert.False(Directory.Exists(Path.Combine(dir, "blobs")));
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
