using System.Text;
using Lamina.Oci;
using Lamina.Registry.Storage;
using Lamina.Registry.Tests.Auth;
using static Lamina.Registry.Tests.Storage.LinkCollectionTests;

namespace Lamina.Registry.Tests.Storage;

/// <summary>Deleting an index deletes the child manifests nothing else keeps, and only those.</summary>
public class IndexDeletionTests
{
    [Fact]
    public async Task Deleting_an_index_deletes_untagged_unshared_children_down_nested_indexes_and_keeps_the_rest()
    {
        var clock = new FixedTime(DateTimeOffset.UtcNow);
        using var f = new StorageFixture(time: clock);
        var tagged = await StoreImageAsync(f, "r", "amd64-only", "tagged");
        var plain = await StoreImageAsync(f, "r", null, "plain");
        var shared = await StoreImageAsync(f, "r", null, "shared-with-other-index");
        var signed = await StoreImageAsync(f, "r", null, "signed");
        var nestedChild = await StoreImageAsync(f, "r", null, "nested-child");
        var nested = await StoreIndexAsync(f, "r", null, nestedChild.Manifest);
        var signature = await StoreReferrerAsync(f, "r", signed.Manifest);
        var other = await StoreIndexAsync(f, "r", "other", shared.Manifest);
        var index = await StoreIndexAsync(f, "r", "multi", tagged.Manifest, plain.Manifest, shared.Manifest, signed.Manifest, nested);

        Assert.True(await f.Metadata.DeleteManifestAsync("r", index));

        Assert.Null(await f.Metadata.GetManifestAsync("r", index));
        Assert.Null(await f.Metadata.GetManifestByTagAsync("r", "multi"));
        Assert.Null(await f.Metadata.GetManifestAsync("r", plain.Manifest));
        Assert.Null(await f.Metadata.GetManifestAsync("r", nested));
        Assert.Null(await f.Metadata.GetManifestAsync("r", nestedChild.Manifest));
        Assert.Null(await f.Metadata.GetManifestAsync("r", signed.Manifest));       // a referrer's subject is a weak link
        Assert.NotNull(await f.Metadata.GetManifestAsync("r", tagged.Manifest));    // tagged
        Assert.NotNull(await f.Metadata.GetManifestAsync("r", shared.Manifest));    // in another index
        Assert.NotNull(await f.Metadata.GetManifestAsync("r", signature));          // until the collection
        Assert.NotNull(await f.Metadata.GetManifestAsync("r", other));

        clock.Now += TimeSpan.FromHours(2);
        var gc = await f.Gc.RunAsync(TimeSpan.FromHours(1));
        Assert.Equal(1, gc.ReferrersDeleted);
        Assert.Null(await f.Metadata.GetManifestAsync("r", signature));
        Assert.False(f.Blobs.Exists(plain.Layers[0]));
        Assert.False(f.Blobs.Exists(nestedChild.Layers[0]));
        Assert.False(f.Blobs.Exists(signed.Layers[0]));
        Assert.False(f.Blobs.Exists(index));
        Assert.True(f.Blobs.Exists(signature)); // its clock restarted when the collection deleted it: a grace period more
        Assert.All(tagged.All.Concat(shared.All), d => Assert.True(f.Blobs.Exists(d)));
        clock.Now += TimeSpan.FromHours(2);
        await f.Gc.RunAsync(TimeSpan.FromHours(1));
        Assert.False(f.Blobs.Exists(signature));

        // The other index goes: now nothing keeps its child either.
        Assert.True(await f.Metadata.DeleteManifestAsync("r", other));
        Assert.Null(await f.Metadata.GetManifestAsync("r", shared.Manifest));
    }

    [Fact]
    public async Task Deleting_a_manifest_of_another_repository_or_an_unknown_digest_changes_nothing()
    {
        using var f = new StorageFixture();
        var child = await StoreImageAsync(f, "r", null, "child");
        var index = await StoreIndexAsync(f, "r", "multi", child.Manifest);
        Assert.False(await f.Metadata.DeleteManifestAsync("elsewhere", index));
        Assert.False(await f.Metadata.DeleteManifestAsync("r", Digest.Compute("nothing"u8)));
        Assert.NotNull(await f.Metadata.GetManifestByTagAsync("r", "multi"));
        Assert.NotNull(await f.Metadata.GetManifestAsync("r", child.Manifest));
    }

    [Fact]
    public async Task Deleting_a_layer_digest_as_a_manifest_is_refused_and_restarts_no_clock()
    {
        var clock = new FixedTime(DateTimeOffset.UtcNow);
        using var f = new StorageFixture(time: clock);
        var layer = await UploadAsync(f, "r", "a layer, not a manifest");
        clock.Now += TimeSpan.FromHours(2);
        Assert.False(await f.Metadata.DeleteManifestAsync("r", layer));
        // Had the refused delete refreshed the layer's clock, a one-hour grace would keep it now.
        var result = await f.Gc.RunAsync(TimeSpan.FromHours(1));
        Assert.Equal((1, 1), (result.LinksRemoved, result.BlobsDeleted));
    }

    private static async Task<Digest> StoreIndexAsync(StorageFixture f, string repo, string? tag, params Digest[] children)
    {
        var entries = new List<string>();
        foreach (var child in children)
        {
            var record = (await f.Metadata.GetManifestAsync(repo, child))!;
            entries.Add($"{{\"mediaType\":\"{record.MediaType}\",\"digest\":\"{child}\",\"size\":{record.Size}}}");
        }
        var json = Encoding.UTF8.GetBytes($"{{\"schemaVersion\":2,\"mediaType\":\"{MediaTypes.OciIndex}\",\"manifests\":[{string.Join(",", entries)}]}}");
        var put = await f.Content.PutManifestAsync(repo, json, MediaTypes.OciIndex, tag);
        Assert.Equal(ManifestPutStatus.Stored, put.Status);
        return put.Manifest!.Digest;
    }

    private static async Task<Digest> StoreReferrerAsync(StorageFixture f, string repo, Digest subject)
    {
        var config = await UploadAsync(f, repo, "{}");
        var layer = await UploadAsync(f, repo, "signature-of-" + subject);
        var json = Distribution.RegistryServer.ImageManifestJson(config, 2, layer, 1, subject, "application/vnd.example.signature");
        var put = await f.Content.PutManifestAsync(repo, json, MediaTypes.OciManifest, (string?)null);
        Assert.Equal(ManifestPutStatus.Stored, put.Status);
        return put.Manifest!.Digest;
    }
}
