using System.Text;
using System.Text.Json.Nodes;
using Lamina.Images.Native;
using Lamina.Oci;

namespace Lamina.Images.Tests;

/// <summary>Pulls from Debian's real distribution registry, images pushed with the real skopeo.</summary>
public sealed partial class PullTests : IClassFixture<DistributionRegistryFixture>, IDisposable
{
    private readonly DistributionRegistry registry;
    private readonly string data = Path.Combine(Path.GetTempPath(), "lamina-store-" + Guid.NewGuid().ToString("n"));
    private readonly ImageStore store;

    public PullTests(DistributionRegistryFixture fixture)
    {
        registry = fixture.Registry;
        store = new ImageStore(new ImageStoreOptions { DataDirectory = data, Durable = false });
    }

    public void Dispose()
    {
        store.Dispose();
        try { Directory.Delete(data, recursive: true); } catch (IOException) { }
    }

    private string Push(Func<OciLayout, Descriptor> build, string name, string tag = "v1")
    {
        using var layout = new OciLayout();
        layout.Tag(build(layout), tag);
        layout.Push(registry.Host, name, tag);
        return $"{registry.Host}/{name}:{tag}";
    }

    private async Task<PulledImage> PullOk(string reference, List<PullProgress>? reports = null)
    {
        var progress = reports is null ? null : new SyncProgress(reports);
        var result = await store.PullAsync(reference, progress);
        Assert.True(result.Succeeded, result.Error?.ToString());
        return result.Image!;
    }

    [Fact]
    public async Task Pulls_gzip_zstd_and_uncompressed_layers_and_verifies_every_diff_id()
    {
        var base_ = new LayerBuilder().Dir("etc/").File("etc/os-release", "ID=test").File("etc/old", "old").Tar();
        var zst = new LayerBuilder().Dir("app/").File("app/main.py", "print('hi')", 0x1ED).Tar();
        var plain = new LayerBuilder().Dir("etc/").File("etc/.wh.old", "").File("etc/new", "new").Tar();
        var reference = Push(l => l.AddImage([TestLayer.Gzip(base_), TestLayer.Zstd(zst), TestLayer.Plain(plain)]), "mixed/fn");

        var reports = new List<PullProgress>();
        var image = await PullOk(reference, reports);

        Assert.Equal(3, image.Layers.Count);
        Assert.Equal([Digest.Compute(base_), Digest.Compute(zst), Digest.Compute(plain)], image.Layers.Select(l => l.DiffId));
        Assert.Equal("ID=test", File.ReadAllText(Path.Combine(image.Layers[0].Path, "etc/os-release")));
        Assert.Equal("print('hi')", File.ReadAllText(Path.Combine(image.Layers[1].Path, "app/main.py")));
        Assert.Equal(LibC.S_IFCHR, LibC.Lstat(Path.Combine(image.Layers[2].Path, "etc/old"))!.Value.Type);
        Assert.Equal(["/bin/app"], image.Config.Cmd!);
        Assert.Equal(PullPhase.Done, reports[^1].Phase);
        Assert.Equal(3, reports.Count(r => r.Phase == PullPhase.LayerDone));
        Assert.Equal(3, Assert.Single(reports, r => r.Phase == PullPhase.Layers).LayerCount);
        Assert.Contains(reports, r => r.Phase == PullPhase.Downloading);
        Assert.Equal(1, store.Snapshots.ReferenceCount(Digest.Compute(zst)));

        var again = await PullOk(reference.Replace(":v1", "@" + image.ManifestDigest, StringComparison.Ordinal));
        Assert.Equal(image.Layers.Select(l => l.Path), again.Layers.Select(l => l.Path));
    }

    [Fact]
    public async Task Pulls_a_docker_v2_schema2_image()
    {
        var tar = new LayerBuilder().Dir("var/task/").File("var/task/app.js", "exports.handler = 1").Tar();
        using (var layout = new OciLayout())
        {
            layout.Tag(layout.AddImage([TestLayer.Gzip(tar)]), "v1");
            layout.Push(registry.Host, "docker/fn", "v1", format: "v2s2");
        }
        var image = await PullOk($"{registry.Host}/docker/fn:v1");
        Assert.Equal(Digest.Compute(tar), image.Layers.Single().DiffId);
        Assert.Equal("exports.handler = 1", File.ReadAllText(Path.Combine(image.Layers[0].Path, "var/task/app.js")));
        var manifest = File.ReadAllText(Path.Combine(data, "images", "sha256", image.ManifestDigest.Encoded, "manifest.json"));
        Assert.Contains(MediaTypes.DockerManifest, manifest);
        Assert.Contains(MediaTypes.DockerLayerGzip, manifest);
    }

    [Fact]
    public async Task An_index_resolves_to_linux_amd64()
    {
        var arm = new LayerBuilder().File("arch", "arm64").Tar();
        var amd = new LayerBuilder().File("arch", "amd64").Tar();
        var reference = Push(l => l.AddIndex([l.AddImage([TestLayer.Gzip(arm)], "arm64"), l.AddImage([TestLayer.Gzip(amd)], "amd64")]), "multi/fn");

        var image = await PullOk(reference);

        Assert.Equal("amd64", image.Config.Architecture);
        Assert.Equal("amd64", File.ReadAllText(Path.Combine(image.Layers.Single().Path, "arch")));
        Assert.Null(store.Snapshots.TryGet(Digest.Compute(arm)));
    }

    [Fact]
    public async Task An_index_without_linux_amd64_is_a_clear_error()
    {
        var arm = new LayerBuilder().File("arch", "arm64").Tar();
        var reference = Push(l => l.AddIndex([l.AddImage([TestLayer.Gzip(arm)], "arm64")]), "armonly/fn");
        var result = await store.PullAsync(reference);
        Assert.Equal(ImageErrorCode.InvalidManifest, result.Error?.Code);
        Assert.Contains("linux/amd64", result.Error!.Message);
    }

    [Fact]
    public async Task The_image_size_limit_spans_all_layers()
    {
        var one = new LayerBuilder().Big("one", 600_000).Tar();
        var two = new LayerBuilder().Big("two", 600_000).Tar();
        var reference = Push(l => l.AddImage([TestLayer.Gzip(one), TestLayer.Gzip(two)]), "big/fn");
        using var limited = new ImageStore(new ImageStoreOptions
        {
            DataDirectory = Path.Combine(data, "limited"),
            Durable = false,
            Limits = new Unpack.UnpackLimits { MaxImageBytes = 1_000_000 },
        });
        var result = await limited.PullAsync(reference);
        Assert.Equal(ImageErrorCode.TooLarge, result.Error?.Code);
        Assert.Contains("image uncompresses to more than 1000000 bytes", result.Error!.Message);
        Assert.Empty(limited.Snapshots.Refs.Images);
    }

    [Fact]
    public async Task A_shared_base_layer_is_unpacked_once_and_collected_when_unused()
    {
        var shared = new LayerBuilder().Dir("usr/").File("usr/base", "base").Tar();
        var a = new LayerBuilder().File("a", "a").Tar();
        var b = new LayerBuilder().File("b", "b").Tar();
        var refA = Push(l => l.AddImage([TestLayer.Gzip(shared), TestLayer.Gzip(a)]), "shared/a");
        var refB = Push(l => l.AddImage([TestLayer.Gzip(shared), TestLayer.Gzip(b)]), "shared/b");

        var imageA = await PullOk(refA);
        var marker = Path.Combine(imageA.Layers[0].Path, "usr/base");
        var inode = LibC.Lstat(marker)!.Value.Inode;
        var reports = new List<PullProgress>();
        var imageB = await PullOk(refB, reports);

        Assert.Equal(imageA.Layers[0].Path, imageB.Layers[0].Path);
        Assert.Equal(inode, LibC.Lstat(marker)!.Value.Inode);
        Assert.Single(reports, r => r.Phase == PullPhase.LayerCached);
        Assert.Equal(2, store.Snapshots.ReferenceCount(Digest.Compute(shared)));

        Assert.True(store.Remove(imageA.ManifestDigest));
        Assert.Equal([Digest.Compute(a)], store.CollectGarbage());
        Assert.True(File.Exists(marker));
        Assert.True(store.Remove(imageB.ManifestDigest));
        Assert.Equal(2, store.CollectGarbage().Count);
        Assert.False(File.Exists(marker));

        using var reopened = new ImageStore(new ImageStoreOptions { DataDirectory = data, Durable = false });
        Assert.Empty(reopened.Snapshots.Refs.Images);
    }

    [Fact]
    public async Task A_layer_descriptor_with_the_wrong_size_is_refused()
    {
        var tar = new LayerBuilder().File("f", new string('x', 10_000)).Tar();
        var blob = LayerBuilder.GzipBytes(tar);
        var reference = await PushRawAsync("lying/size", blob, blob.Length - 10, Digest.Compute(blob), Digest.Compute(tar));
        var result = await store.PullAsync(reference);
        Assert.Equal(ImageErrorCode.DigestMismatch, result.Error?.Code);
        Assert.Contains("larger than its descriptor", result.Error!.Message);
        Assert.Null(store.Snapshots.TryGet(Digest.Compute(tar)));
        AssertNoDebris();
    }

    [Fact]
    public async Task A_layer_whose_content_does_not_match_the_config_diff_id_is_refused()
    {
        var tar = new LayerBuilder().File("f", "real").Tar();
        var claimed = Digest.Compute(new LayerBuilder().File("f", "claimed").Tar());
        var blob = LayerBuilder.GzipBytes(tar);
        var reference = await PushRawAsync("lying/diffid", blob, blob.Length, Digest.Compute(blob), claimed);
        var result = await store.PullAsync(reference);
        Assert.Equal(ImageErrorCode.DiffIdMismatch, result.Error?.Code);
        Assert.Contains(claimed.ToString(), result.Error!.Message);
        Assert.Null(store.Snapshots.TryGet(claimed));
        Assert.Null(store.Snapshots.TryGet(Digest.Compute(tar)));
        AssertNoDebris();
    }

    [Fact]
    public async Task An_unknown_layer_media_type_is_refused_before_download()
    {
        var blob = Encoding.UTF8.GetBytes("BZh91AY&SY");
        var reference = await PushRawAsync("odd/type", blob, blob.Length, Digest.Compute(blob), Digest.Compute(blob), "application/vnd.oci.image.layer.v1.tar+bzip2");
        var result = await store.PullAsync(reference);
        Assert.Equal(ImageErrorCode.UnsupportedMediaType, result.Error?.Code);
        Assert.Contains("tar+bzip2", result.Error!.Message);
    }

    [Fact]
    public async Task Missing_images_and_bad_references_are_clear_errors()
    {
        var missing = await store.PullAsync($"{registry.Host}/nobody/here:v1");
        Assert.Equal(ImageErrorCode.NotFound, missing.Error?.Code);
        // The registry's code and message on one line, not its JSON (see PullTests.Errors.cs for other answers).
        Assert.Equal($"image {registry.Host}/nobody/here:v1: MANIFEST_UNKNOWN: manifest unknown", missing.Error!.Message);
        var bad = await store.PullAsync($"{registry.Host}/UPPER:v1");
        Assert.Equal(ImageErrorCode.InvalidReference, bad.Error?.Code);
    }

    private void AssertNoDebris()
    {
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(data, "snapshots", "tmp")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(data, "downloads")));
        Assert.Empty(store.Snapshots.Refs.Images);
    }

    /// <summary>Pushes one-layer image whose manifest states <paramref name="size"/> and <paramref name="digest"/>, and whose config claims <paramref name="diffId"/>.</summary>
    private async Task<string> PushRawAsync(string name, byte[] blob, long size, Digest digest, Digest diffId, string mediaType = MediaTypes.OciLayerGzip)
    {
        await RawPush.BlobAsync(registry.Host, name, blob);
        var config = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["architecture"] = "amd64", ["os"] = "linux",
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray((JsonNode)diffId.ToString()) },
        }.ToJsonString());
        await RawPush.BlobAsync(registry.Host, name, config);
        var manifest = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciManifest,
            ["config"] = new JsonObject { ["mediaType"] = MediaTypes.OciConfig, ["digest"] = Digest.Compute(config).ToString(), ["size"] = config.Length },
            ["layers"] = new JsonArray(new JsonObject { ["mediaType"] = mediaType, ["digest"] = digest.ToString(), ["size"] = size }),
        }.ToJsonString());
        await RawPush.ManifestAsync(registry.Host, name, "v1", manifest, MediaTypes.OciManifest);
        return $"{registry.Host}/{name}:v1";
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; tests need reports in order and complete when the pull returns.</summary>
    private sealed class SyncProgress(List<PullProgress> reports) : IProgress<PullProgress>
    {
        public void Report(PullProgress value)
        {
            lock (reports) reports.Add(value);
        }
    }
}

/// <summary>One registry process for all pull tests.</summary>
public sealed class DistributionRegistryFixture : IDisposable
{
    public DistributionRegistry Registry { get; } = new();

    public void Dispose() => Registry.Dispose();
}
