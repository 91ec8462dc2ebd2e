using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using Lamina.Build.Output;

namespace Lamina.Build.Tests.Fixtures;

/// <summary>One test's build context, cache directory and helpers to build, unpack with umoci and read layers.</summary>
internal sealed class Workspace(RegistryFixture registry, string name)
{
    public string Root { get; } = registry.NewDirectory(name);

    public string Context => Directory.CreateDirectory(Path.Combine(Root, "context")).FullName;

    public string Cache => Path.Combine(Root, "cache");

    public List<BuildEvent> Events { get; } = [];

    /// <summary>Writes a context file (parents created).</summary>
    public void File(string relative, string content)
    {
        var path = Path.Combine(Context, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, content);
    }

    /// <summary>Writes the Dockerfile, with {BASE} replaced by the registry's base image.</summary>
    public void Dockerfile(string text) => File("Dockerfile", text.Replace("{BASE}", registry.BaseImage, StringComparison.Ordinal));

    public async Task<BuiltImage> BuildAsync(string? target = null, Dictionary<string, string>? args = null)
    {
        Events.Clear();
        using var builder = new ImageBuilder(registry.Options(Cache));
        var request = new BuildRequest(Context, Path.Combine(Context, "Dockerfile")) { Target = target, BuildArgs = args ?? [] };
        return await builder.BuildAsync(request, new SyncProgress(Events.Add));
    }

    /// <summary>Writes the image as an OCI layout and unpacks it with umoci; returns the root filesystem.</summary>
    public string Unpack(BuiltImage image)
    {
        var layout = Path.Combine(Root, "layout-" + Guid.NewGuid().ToString("n")[..8]);
        OciLayoutWriter.WriteDirectory(image, layout, "latest");
        var bundle = layout + "-bundle";
        Tool.Run("/usr/bin/umoci", "unpack", "--image", layout + ":latest", bundle);
        return Path.Combine(bundle, "rootfs");
    }

    public static JsonElement Config(BuiltImage image) => JsonDocument.Parse(image.Config).RootElement.GetProperty("config");

    /// <summary>The entry names of one layer of the image.</summary>
    public static List<string> LayerEntries(BuiltImage image, int index)
    {
        using var file = System.IO.File.OpenRead(image.Blobs.PathOf(image.Layers[index].Digest));
        using var gz = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gz);
        var names = new List<string>();
        while (tar.GetNextEntry() is { } e) names.Add(e.Name);
        return names;
    }

    /// <summary>Step texts reported CACHED in the last build.</summary>
    public List<string> Cached => Events.Where(e => e.Kind == BuildEventKind.Cached).Select(e => e.Text).ToList();

    private sealed class SyncProgress(Action<BuildEvent> report) : IProgress<BuildEvent>
    {
        public void Report(BuildEvent value) => report(value);
    }
}
