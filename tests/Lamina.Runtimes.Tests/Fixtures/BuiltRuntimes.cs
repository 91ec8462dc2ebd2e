using System.Text.Json;
using Lamina.Environments.Tests.Fixtures;

namespace Lamina.Runtimes.Tests.Fixtures;

/// <summary>
/// All four images built once per test run into a temporary layout, with the Debian layers cached in
/// /var/tmp/lamina-runtimes-test-cache (minutes the first time; later runs only rewrite the Lamina layers).
/// </summary>
public sealed class BuiltRuntimes : IAsyncLifetime
{
    /// <summary>Shared by the test runs of this machine: keyed by inputs, so a stale entry is never reused.</summary>
    public static string CacheDirectory => "/var/tmp/lamina-runtimes-test-cache";

    public string Layout { get; } = Directory.CreateTempSubdirectory("lamina-runtimes-").FullName;

    public IReadOnlyList<BuiltImage> Images { get; private set; } = [];

    public static string Agent => AgentBinary.Path;

    public BuiltImage this[string name] => Images.Single(i => i.Image.Name == name);

    public async Task InitializeAsync()
    {
        Images = await RuntimeBuilder.BuildAsync(new RuntimeBuildOptions
        {
            OutputDirectory = Layout, AgentBinary = Agent, CacheDirectory = CacheDirectory,
            Log = line => Console.Error.WriteLine("runtimes: " + line),
        });
    }

    private readonly Dictionary<string, string> unpacked = [];
    private readonly string bundles = Directory.CreateTempSubdirectory("lamina-runtimes-bundles-").FullName;

    /// <summary>The image's root filesystem, unpacked once by umoci (an independent reader of the layout).</summary>
    public string Rootfs(string name)
    {
        lock (unpacked)
        {
            if (unpacked.TryGetValue(name, out var done)) return done;
            var bundle = Path.Combine(bundles, name);
            Lamina.Environments.Tests.Fixtures.Tool.Run("/usr/bin/umoci", "unpack", "--image", $"{Layout}:{this[name].RefName}", bundle);
            return unpacked[name] = Path.Combine(bundle, "rootfs");
        }
    }

    /// <summary>The image config's Env (what docker run sets).</summary>
    public IReadOnlyList<string> Env(string name)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllBytes(Blob(this[name].ManifestDigest)));
        using var config = JsonDocument.Parse(File.ReadAllBytes(Blob(manifest.RootElement.GetProperty("config").GetProperty("digest").GetString()!)));
        return [.. config.RootElement.GetProperty("config").GetProperty("Env").EnumerateArray().Select(e => e.GetString()!)];
    }

    public string Blob(string digest) => Path.Combine(Layout, "blobs", "sha256", digest["sha256:".Length..]);

    public Task DisposeAsync()
    {
        Directory.Delete(Layout, recursive: true);
        Directory.Delete(bundles, recursive: true);
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class BuiltRuntimesCollection : ICollectionFixture<BuiltRuntimes>
{
    public const string Name = "built runtimes";
}
