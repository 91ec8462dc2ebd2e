using System.Text;
using Lamina.Oci;
using Lamina.Registry.Storage;
using Lamina.Registry.Tests.Auth;

namespace Lamina.Registry.Tests.Storage;

/// <summary>
/// Issue 2 (soak): deleting a manifest gives back the space of what no remaining manifest of the repository
/// references, after the grace period; pushes in progress, shared layers and other repositories keep theirs.
/// A clock the test moves makes the grace period exact.
/// </summary>
public class LinkCollectionTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromHours(1);

    [Fact]
    public async Task Deleting_a_manifest_frees_its_blobs_after_the_grace_period_and_not_before()
    {
        var clock = new FixedTime(DateTimeOffset.UtcNow);
        using var f = new StorageFixture(time: clock);
        var image = await StoreImageAsync(f, "r", "v1", "base", "top");
        Assert.True(await f.Metadata.DeleteManifestAsync("r", image.Manifest));

        clock.Now += Grace - TimeSpan.FromMinutes(1);
        var early = await f.Gc.RunAsync(Grace);
        Assert.Equal((0, 0), (early.BlobsDeleted, early.LinksRemoved));
        Assert.All(image.All, d => Assert.True(f.Blobs.Exists(d)));

        clock.Now += TimeSpan.FromMinutes(2);
        var result = await f.Gc.RunAsync(Grace);
        Assert.Equal(3, result.LinksRemoved); // config and two layers
        Assert.Equal(4, result.BlobsDeleted); // and the manifest's own bytes
        Assert.Empty(f.Blobs.EnumerateFiles());
        Assert.Equal(image.Bytes, result.BytesFreed);
    }

    [Fact]
    public async Task A_layer_stays_while_another_manifest_or_another_repository_uses_it()
    {
        var clock = new FixedTime(DateTimeOffset.UtcNow);
        using var f = new StorageFixture(time: clock);
        var a = await StoreImageAsync(f, "r", "a", "base", "only-a");
        var b = await StoreImageAsync(f, "r", "b", "base", "only-b");
        var other = await StoreImageAsync(f, "elsewhere", "x", "only-a-too", "unused");
        // "elsewhere" mounts a's own layer, then deletes its image: its link goes, a's stays.
        Assert.NotNull(await f.Content.MountAsync("elsewhere", "r", a.Layers[1]));
        Assert.True(await f.Metadata.DeleteManifestAsync("elsewhere", other.Manifest));
        Assert.True(await f.Metadata.DeleteManifestAsync("r", a.Manifest));

        clock.Now += Grace * 2;
        await f.Gc.RunAsync(Grace);
        Assert.True(f.Blobs.Exists(a.Layers[0]));           // base: b still uses it
        Assert.Equal(a.Config, b.Config);                   // same config bytes: b's manifest keeps it
        Assert.True(f.Blobs.Exists(a.Config));
        Assert.False(f.Blobs.Exists(a.Layers[1]));          // only-a: no manifest in either repository
        Assert.Null(await f.Metadata.GetLinkedBlobSizeAsync("elsewhere", a.Layers[1]));
        Assert.False(f.Blobs.Exists(other.Layers[0]));
        Assert.All(b.All, d => Assert.True(f.Blobs.Exists(d)));
        Assert.NotNull(await f.Metadata.GetLinkedBlobSizeAsync("r", b.Layers[1]));

        Assert.True(await f.Metadata.DeleteManifestAsync("r", b.Manifest));
        clock.Now += Grace * 2;
        await f.Gc.RunAsync(Grace);
        Assert.Empty(f.Blobs.EnumerateFiles());
    }

    [Fact]
    public async Task A_push_in_progress_keeps_its_uploads_and_a_layer_it_was_told_exists()
    {
        var clock = new FixedTime(DateTimeOffset.UtcNow);
        using var f = new StorageFixture(new RegistryOptions { GcGracePeriod = Grace }, clock);
        var old = await StoreImageAsync(f, "r", "old", "shared", "old-only");
        Assert.True(await f.Metadata.DeleteManifestAsync("r", old.Manifest));
        clock.Now += Grace * 3; // the deleted image's links are long stale, not collected yet

        // A new push: HEAD finds the shared layer (its link gets a fresh clock), uploads its own layer and config.
        Assert.NotNull(await f.Content.GetServableBlobSizeAsync("r", old.Layers[0]));
        var config = await UploadAsync(f, "r", "{\"os\":\"linux\",\"new\":1}");
        var own = await UploadAsync(f, "r", "new-only");
        clock.Now += Grace / 2 - TimeSpan.FromMinutes(1);
        var gc = await f.Gc.RunAsync();
        Assert.Equal(2, gc.LinksRemoved); // the old config and old-only layer, not what the push relies on
        Assert.False(f.Blobs.Exists(old.Layers[1]));

        var manifest = ManifestJson(config, [old.Layers[0], own]);
        var put = await f.Content.PutManifestAsync("r", manifest, MediaTypes.OciManifest, "new");
        Assert.Equal(ManifestPutStatus.Stored, put.Status);
        clock.Now += Grace * 3;
        await f.Gc.RunAsync();
        Assert.All(new[] { config, old.Layers[0], own, put.Manifest!.Digest }, d => Assert.True(f.Blobs.Exists(d)));
    }

    [Fact]
    public async Task Without_the_head_refresh_a_stale_link_is_dropped_and_the_manifest_is_refused_not_broken()
    {
        var clock = new FixedTime(DateTimeOffset.UtcNow);
        using var f = new StorageFixture(time: clock);
        var old = await StoreImageAsync(f, "r", "old", "shared", "old-only");
        Assert.True(await f.Metadata.DeleteManifestAsync("r", old.Manifest));
        clock.Now += Grace * 3;
        Assert.NotNull(await f.Metadata.GetLinkedBlobSizeAsync("r", old.Layers[0])); // a read does not refresh
        await f.Gc.RunAsync(Grace);

        var put = await f.Content.PutManifestAsync("r", ManifestJson(old.Config, [old.Layers[0]]), MediaTypes.OciManifest, "late");
        Assert.Equal(ManifestPutStatus.ReferenceMissing, put.Status);
        Assert.False(f.Blobs.Exists(old.Layers[0]));
    }

    internal sealed record StoredImage(Digest Manifest, Digest Config, IReadOnlyList<Digest> Layers, long Bytes)
    {
        public IEnumerable<Digest> All => Layers.Append(Config).Append(Manifest);
    }

    internal static async Task<StoredImage> StoreImageAsync(StorageFixture f, string repo, string? tag, params string[] layerTexts)
    {
        const string ConfigText = "{\"architecture\":\"amd64\",\"os\":\"linux\"}";
        var config = await UploadAsync(f, repo, ConfigText);
        var layers = new List<Digest>();
        foreach (var text in layerTexts) layers.Add(await UploadAsync(f, repo, text));
        var manifest = ManifestJson(config, layers, layerTexts.Select(t => (long)t.Length).ToList(), ConfigText.Length);
        var put = await f.Content.PutManifestAsync(repo, manifest, MediaTypes.OciManifest, tag);
        Assert.Equal(ManifestPutStatus.Stored, put.Status);
        return new StoredImage(put.Manifest!.Digest, config, layers, ConfigText.Length + layerTexts.Sum(t => t.Length) + manifest.Length);
    }

    internal static async Task<Digest> UploadAsync(StorageFixture f, string repo, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var digest = Digest.Compute(bytes);
        Assert.Equal(UploadStatus.Ok, (await f.Uploads.PutMonolithicAsync(repo, digest, new MemoryStream(bytes), bytes.Length)).Status);
        return digest;
    }

    internal static byte[] ManifestJson(Digest config, IReadOnlyList<Digest> layers, IReadOnlyList<long>? sizes = null, long configSize = 1)
    {
        var layerJson = string.Join(",", layers.Select((l, i) =>
            $"{{\"mediaType\":\"{MediaTypes.OciLayerTar}\",\"digest\":\"{l}\",\"size\":{sizes?[i] ?? 1}}}"));
        return Encoding.UTF8.GetBytes(
            $"{{\"schemaVersion\":2,\"mediaType\":\"{MediaTypes.OciManifest}\"," +
            $"\"config\":{{\"mediaType\":\"{MediaTypes.OciConfig}\",\"digest\":\"{config}\",\"size\":{configSize}}},\"layers\":[{layerJson}]}}");
    }
}
