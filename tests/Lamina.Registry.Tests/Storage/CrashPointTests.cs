using Lamina.Registry.Tests.Auth;
using static Lamina.Registry.Tests.Storage.LinkCollectionTests;

namespace Lamina.Registry.Tests.Storage;

/// <summary>
/// A crash at each point of reclaiming, simulated by dropping every in-memory object and reopening the data
/// directory (<see cref="StorageFixture.Reopen"/>) right after the step: the metadata of each step is one SQLite
/// transaction, so the store is consistent and the next collection finishes the job.
/// </summary>
public class CrashPointTests
{
    [Fact]
    public async Task A_crash_after_the_links_are_dropped_and_before_the_blobs_go_is_finished_by_the_next_collection()
    {
        var clock = new FixedTime(DateTimeOffset.UtcNow);
        using var f = new StorageFixture(time: clock);
        var kept = await StoreImageAsync(f, "r", "kept", "kept-layer");
        var gone = await StoreImageAsync(f, "r", "gone", "gone-layer");
        Assert.True(await f.Metadata.DeleteManifestAsync("r", gone.Manifest));
        clock.Now += TimeSpan.FromHours(2);
        Assert.Equal(1, await f.Metadata.UnlinkUnreferencedAsync(clock.Now - TimeSpan.FromHours(1))); // step 0 only

        f.Reopen();
        Assert.All(kept.All, d => Assert.True(f.Blobs.Exists(d)));
        Assert.NotNull(await f.Metadata.GetManifestByTagAsync("r", "kept"));
        var result = await f.Gc.RunAsync(TimeSpan.FromHours(1));
        Assert.Equal(0, result.LinksRemoved);
        Assert.Equal(2, result.BlobsDeleted); // the layer and the manifest bytes; the config is kept's too
        Assert.False(f.Blobs.Exists(gone.Layers[0]));
        Assert.All(kept.All, d => Assert.True(f.Blobs.Exists(d)));
    }

    [Fact]
    public async Task A_crash_after_a_blob_row_is_forgotten_and_before_its_file_is_deleted_leaves_a_file_the_next_collection_removes()
    {
        var clock = new FixedTime(DateTimeOffset.UtcNow);
        using var f = new StorageFixture(time: clock);
        var gone = await StoreImageAsync(f, "r", "gone", "gone-layer");
        Assert.True(await f.Metadata.DeleteManifestAsync("r", gone.Manifest));
        clock.Now += TimeSpan.FromHours(2);
        await f.Metadata.UnlinkUnreferencedAsync(clock.Now - TimeSpan.FromHours(1));
        Assert.True(await f.Metadata.TryForgetBlobAsync(gone.Layers[0], clock.Now - TimeSpan.FromHours(1))); // row gone, file not

        f.Reopen();
        Assert.True(f.Blobs.Exists(gone.Layers[0]));
        Assert.False(await f.Metadata.IsBlobKnownAsync(gone.Layers[0]));
        // Files without a row are judged by their modification time (real time): a no-grace collection removes it.
        await f.Gc.RunAsync(TimeSpan.Zero);
        Assert.Empty(f.Blobs.EnumerateFiles());
    }
}
