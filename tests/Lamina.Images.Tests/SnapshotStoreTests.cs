using Lamina.Images.Snapshots;
using Lamina.Images.Unpack;
using Lamina.Oci;

namespace Lamina.Images.Tests;

/// <summary>Atomic publication, one unpack per diff_id, crash leftovers, pins and garbage collection.</summary>
public sealed class SnapshotStoreTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "lamina-snap-" + Guid.NewGuid().ToString("n"));

    public void Dispose()
    {
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }

    private static Func<string, CancellationToken, Task<UnpackResult>> From(byte[] tar, Action? during = null) => (fs, ct) =>
    {
        during?.Invoke();
        return Task.FromResult(LayerUnpacker.Unpack(new MemoryStream(tar), MediaTypes.OciLayerTar, tar.Length, fs, new UnpackLimits(), cancellationToken: ct));
    };

    [Fact]
    public async Task Concurrent_requests_for_one_layer_unpack_it_once()
    {
        var store = new SnapshotStore(root, durable: false);
        var tar = new LayerBuilder().File("f", "x").Tar();
        var diffId = Digest.Compute(tar);
        var unpacks = 0;
        using var release = new ManualResetEventSlim();
        var first = store.GetOrCreateAsync(diffId, From(tar, () => { Interlocked.Increment(ref unpacks); release.Wait(TimeSpan.FromSeconds(30)); }), default);
        var second = store.GetOrCreateAsync(diffId, From(tar, () => Interlocked.Increment(ref unpacks)), default);
        release.Set();
        var paths = await Task.WhenAll(first, second);
        Assert.Equal(1, unpacks);
        Assert.Equal(paths[0], paths[1]);
        Assert.Equal(Path.Combine(root, "sha256", diffId.Encoded, "fs"), paths[0]);
        Assert.Equal(tar.Length, store.Info(diffId)!.UncompressedBytes);
    }

    [Fact]
    public async Task A_failed_unpack_publishes_nothing_and_leaves_no_temp_directory()
    {
        var store = new SnapshotStore(root, durable: true);
        var tar = new LayerBuilder().File("good", "x").File("../bad", "y").Tar();
        var diffId = Digest.Compute(tar);
        var e = await Assert.ThrowsAsync<ImageException>(() => store.GetOrCreateAsync(diffId, From(tar), default));
        Assert.Equal(ImageErrorCode.UnsafeLayer, e.Code);
        Assert.Null(store.TryGet(diffId));
        Assert.False(Directory.Exists(store.PathOf(diffId)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(root, "tmp")));
    }

    [Fact]
    public void Leftovers_of_an_interrupted_unpack_are_swept_on_open()
    {
        var half = Path.Combine(root, "tmp", "0123", "fs");
        Directory.CreateDirectory(half);
        File.WriteAllText(Path.Combine(half, "partial"), "x");
        var store = new SnapshotStore(root, durable: false);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(root, "tmp")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(root, "sha256")));
        Assert.Empty(store.Refs.Images);
    }

    [Fact]
    public async Task Collection_spares_referenced_and_pinned_snapshots_and_refs_survive_reopening()
    {
        var store = new SnapshotStore(root, durable: false);
        var tars = Enumerable.Range(0, 3).Select(i => new LayerBuilder().File("f", i.ToString()).Tar()).ToArray();
        var ids = tars.Select(t => Digest.Compute(t)).ToArray();
        for (var i = 0; i < 3; i++) await store.GetOrCreateAsync(ids[i], From(tars[i]), default);
        var manifest = Digest.Compute("manifest"u8);
        store.Refs.Put(manifest, new ImageRef("r", "c", [ids[0].ToString()], DateTimeOffset.UtcNow));

        using (store.Pin([ids[1]]))
        {
            Assert.Equal([ids[2]], store.Collect());
        }
        Assert.Equal([ids[1]], store.Collect());
        Assert.NotNull(store.TryGet(ids[0]));

        var reopened = new SnapshotStore(root, durable: false);
        Assert.Equal(1, reopened.ReferenceCount(ids[0]));
        Assert.Empty(reopened.Collect());
        Assert.True(reopened.Refs.Remove(manifest));
        Assert.Equal([ids[0]], reopened.Collect());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(root, "sha256")));
    }
}
