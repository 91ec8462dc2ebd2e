using Lamina.Build.Tests.Fixtures;

namespace Lamina.Build.Tests;

/// <summary>The layer cache: an unchanged rebuild is all CACHED with the same digest; an app change rebuilds from its COPY on.</summary>
public sealed class CacheTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    [Fact]
    public async Task Unchanged_rebuild_is_cached_and_identical_and_an_app_change_rebuilds_only_later_layers()
    {
        var ws = new Workspace(registry, "cache");
        ws.File("deps.txt", "dependency list\n");
        ws.File("app/handler.txt", "version 1\n");
        ws.Dockerfile("""
            FROM {BASE}
            COPY deps.txt /deps/
            RUN cat /deps/deps.txt > /deps/installed
            COPY app /var/task/
            RUN cat /var/task/handler.txt > /var/task/compiled
            CMD ["handler"]
            """);
        var first = await ws.BuildAsync();
        Assert.Empty(ws.Cached);

        var second = await ws.BuildAsync();
        Assert.Equal(4, ws.Cached.Count);
        Assert.Equal(first.ManifestDigest, second.ManifestDigest);

        ws.File("app/handler.txt", "version 2\n");
        var third = await ws.BuildAsync();
        Assert.Equal(["COPY deps.txt /deps/", "RUN /bin/sh -c cat /deps/deps.txt > /deps/installed"], ws.Cached);
        Assert.NotEqual(first.ManifestDigest, third.ManifestDigest);
        Assert.Equal(first.Layers.Take(3), third.Layers.Take(3));
        Assert.NotEqual(first.Layers[3], third.Layers[3]);
        var rootfs = ws.Unpack(third);
        Assert.Equal("version 2\n", File.ReadAllText(Path.Combine(rootfs, "var/task/compiled")));
    }

    [Fact]
    public async Task Source_date_epoch_makes_fresh_builds_reproducible()
    {
        var a = new Workspace(registry, "repro-a");
        var b = new Workspace(registry, "repro-b");
        foreach (var ws in new[] { a, b })
        {
            ws.File("app/main.txt", "same\n");
            ws.Dockerfile("FROM {BASE}\nCOPY app /app/\nRUN echo built > /app/out\n");
        }
        var epoch = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var first = await Build(a, epoch);
        File.SetLastWriteTimeUtc(Path.Combine(b.Context, "app/main.txt"), DateTime.UtcNow.AddDays(1));
        var second = await Build(b, epoch);
        Assert.Equal(first.Layers[1], second.Layers[1]); // the COPY layer: same content, clamped times
        Assert.Contains("2023-11-14T22:13:20Z", System.Text.Encoding.UTF8.GetString(first.Config));
    }

    private async Task<Output.BuiltImage> Build(Workspace ws, DateTimeOffset epoch)
    {
        using var builder = new ImageBuilder(registry.Options(ws.Cache) with { SourceDateEpoch = epoch });
        return await builder.BuildAsync(new BuildRequest(ws.Context, Path.Combine(ws.Context, "Dockerfile")));
    }
}
