using Lamina.Oci;
using Lamina.Registry.Storage;
using Lamina.Registry.Tests.Auth;

namespace Lamina.Registry.Tests.Storage;

public class GarbageCollectorTests
{
    [Fact]
    public async Task Collects_only_unreferenced_blobs_past_the_grace_period()
    {
        var clock = new FixedTime(DateTimeOffset.UtcNow);
        using var f = new StorageFixture(time: clock);
        var kept = await LinkCollectionTests.StoreImageAsync(f, "r", "v1", "kept");
        var dropped = "dropped"u8.ToArray();
        var droppedDigest = Digest.Compute(dropped);
        await f.Uploads.PutMonolithicAsync("r", droppedDigest, new MemoryStream(dropped), null);
        clock.Now += TimeSpan.FromMinutes(50);
        await f.Metadata.UnlinkBlobAsync("r", droppedDigest);

        var graceful = await f.Gc.RunAsync(TimeSpan.FromHours(1));
        Assert.Equal(0, graceful.BlobsDeleted); // just unlinked: still in its grace period
        Assert.True(f.Blobs.Exists(droppedDigest));

        clock.Now += TimeSpan.FromMinutes(11);
        var result = await f.Gc.RunAsync(TimeSpan.FromMinutes(10));
        Assert.Equal(1, result.BlobsDeleted);
        Assert.Equal(dropped.Length, result.BytesFreed);
        Assert.False(f.Blobs.Exists(droppedDigest));
        Assert.All(kept.All, d => Assert.True(f.Blobs.Exists(d))); // a manifest references them, whatever their age
    }

    [Fact]
    public async Task Manifest_references_and_manifest_bytes_keep_blobs_alive()
    {
        using var f = new StorageFixture();
        var layer = "layer"u8.ToArray();
        var layerDigest = Digest.Compute(layer);
        var config = "{}"u8.ToArray();
        var configDigest = Digest.Compute(config);
        await f.Uploads.PutMonolithicAsync("r", layerDigest, new MemoryStream(layer), null);
        await f.Uploads.PutMonolithicAsync("r", configDigest, new MemoryStream(config), null);
        var manifest = Distribution.RegistryServer.ImageManifestJson(configDigest, 2, layerDigest, 5);
        var put = await f.Content.PutManifestAsync("r", manifest, MediaTypes.OciManifest, "v1");
        Assert.Equal(ManifestPutStatus.Stored, put.Status);
        // Unlink the layer: the manifest still references it.
        await f.Metadata.UnlinkBlobAsync("r", layerDigest);
        await Task.Delay(5);
        Assert.Equal(0, (await f.Gc.RunAsync(TimeSpan.Zero)).BlobsDeleted);
        Assert.True(f.Blobs.Exists(layerDigest));
        Assert.True(f.Blobs.Exists(put.Manifest!.Digest));

        await f.Metadata.DeleteManifestAsync("r", put.Manifest.Digest);
        await Task.Delay(5);
        var result = await f.Gc.RunAsync(TimeSpan.Zero);
        // The layer, the manifest's own bytes and the config: its link no longer serves any manifest of "r".
        Assert.Equal(3, result.BlobsDeleted);
        Assert.Equal(1, result.LinksRemoved);
        Assert.False(f.Blobs.Exists(configDigest));
        Assert.Null(await f.Metadata.GetLinkedBlobSizeAsync("r", configDigest));
    }

    [Fact]
    public async Task Files_without_metadata_are_collected_after_the_grace_period()
    {
        using var f = new StorageFixture();
        var digest = Digest.Compute("orphan"u8);
        using (var _ = await f.Locks.AcquireAsync(digest)) await f.Blobs.WriteAsync(digest, "orphan"u8.ToArray());
        File.SetLastWriteTimeUtc(f.Blobs.PathOf(digest), DateTime.UtcNow.AddHours(-2));
        Assert.Equal(0, (await f.Gc.RunAsync(TimeSpan.FromHours(3))).BlobsDeleted);
        Assert.Equal(1, (await f.Gc.RunAsync(TimeSpan.FromHours(1))).BlobsDeleted);
        Assert.False(f.Blobs.Exists(digest));
    }

    [Fact]
    public async Task Concurrent_pushes_of_the_same_blob_while_gc_runs_with_no_grace_never_lose_the_layer()
    {
        using var f = new StorageFixture();
        var bytes = new byte[16 * 1024];
        Random.Shared.NextBytes(bytes);
        var digest = Digest.Compute(bytes);
        using var stop = new CancellationTokenSource();

        // Two GCs with grace 0 in tight loops while pushers link and unlink the blob, so it keeps becoming garbage
        // exactly while the next push of the same digest is committing.
        var collectors = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            var runs = 0;
            while (!stop.IsCancellationRequested) { await f.Gc.RunAsync(TimeSpan.Zero); runs++; }
            return runs;
        })).ToList();
        var failures = 0;
        var pushes = Enumerable.Range(0, 3).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; i < 150; i++)
            {
                var repo = $"repo{worker}";
                var result = await f.Uploads.PutMonolithicAsync(repo, digest, new MemoryStream(bytes), bytes.Length);
                Assert.Equal(UploadStatus.Ok, result.Status);
                // An acknowledged push must be servable while linked: its bytes intact on disk. With no grace the
                // collector may drop a link no manifest references at any moment (step 0, no lock needed: it deletes
                // no file), so the check holds the digest's lock, which every file deletion takes.
                using (await f.Locks.AcquireAsync(digest))
                {
                    var size = await f.Metadata.GetLinkedBlobSizeAsync(repo, digest);
                    var path = f.Blobs.GetPath(digest);
                    if (size is not null && (size != bytes.Length || path is null || !File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes))) Interlocked.Increment(ref failures);
                }
                await f.Metadata.UnlinkBlobAsync(repo, digest);
            }
        })).ToList();
        await Task.WhenAll(pushes);
        stop.Cancel();
        var runs = (await Task.WhenAll(collectors)).Sum();
        Assert.Equal(0, failures);
        Assert.True(runs > 0);

        // Finally: once unreferenced it does go.
        await Task.Delay(5);
        await f.Gc.RunAsync(TimeSpan.Zero);
        Assert.False(f.Blobs.Exists(digest));
    }
}
