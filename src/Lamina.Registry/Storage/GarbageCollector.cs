using Microsoft.Extensions.Logging;

namespace Lamina.Registry.Storage;

/// <summary>
/// Deletes referrers whose subject is gone (<see cref="IRegistryMetadata.DeleteOrphanReferrersAsync"/>), drops
/// repository links nothing needs (<see cref="IRegistryMetadata.UnlinkUnreferencedAsync"/>), then deletes
/// blobs nothing refers to, while pushes go on (no stop-the-world). Safety argument:
/// a blob's file is deleted only by <see cref="RunAsync"/>, holding the digest's lock, right after
/// <see cref="IRegistryMetadata.TryForgetBlobAsync"/> removed its row in a transaction that re-checked
/// "no repository link, no manifest reference, untouched for the grace period". Every path that makes a blob
/// referenced (commit of an upload, mount, manifest put) takes the same lock and records the reference before
/// releasing it, so for one digest either the push happens first (the row is referenced, GC skips it) or the
/// GC happens first (the push finds no file and writes its own). The grace period protects blobs uploaded
/// and linked but later unlinked, and files on disk whose metadata row was lost in a crash.
/// </summary>
public sealed partial class GarbageCollector(
    FileBlobStore blobs, IRegistryMetadata metadata, DigestLocks locks, RegistryOptions options, TimeProvider time,
    ILogger<GarbageCollector> logger)
{
    /// <summary>Runs one collection; <paramref name="gracePeriod"/> overrides <see cref="RegistryOptions.GcGracePeriod"/>.</summary>
    public async Task<GcResult> RunAsync(TimeSpan? gracePeriod = null, CancellationToken ct = default)
    {
        var olderThan = time.GetUtcNow() - (gracePeriod ?? options.GcGracePeriod);
        var deleted = 0;
        long bytes = 0;

        // Step 0a: referrers left without their subject (signatures, SBOMs of a deleted image), untagged and
        // in no index. Their manifest rows go; their blobs' clocks restart, so the bytes follow after the grace period.
        var referrers = await metadata.DeleteOrphanReferrersAsync(olderThan, ct);

        // Step 0b: repository links nothing in their repository needs any more (layers of deleted images,
        // uploads whose manifest never came), once their clock is past the grace period. Metadata only: the
        // bytes go in step 1, under the digest's lock, if no other repository or manifest holds them.
        var unlinked = await metadata.UnlinkUnreferencedAsync(olderThan, ct);

        // Step 1: blobs the metadata knows and nothing references.
        foreach (var digest in await metadata.FindUnreferencedBlobsAsync(olderThan, ct))
        {
            using var _ = await locks.AcquireAsync(digest, ct);
            if (!await metadata.TryForgetBlobAsync(digest, olderThan, ct)) continue;
            var size = blobs.GetSize(digest) ?? 0;
            blobs.Delete(digest);
            deleted++;
            bytes += size;
            LogDeleted(digest.ToString(), size);
        }

        // Step 2: files the metadata never recorded (a crash between rename and commit), once old enough.
        foreach (var (digest, lastWrite) in blobs.EnumerateFiles().ToList())
        {
            if (lastWrite >= olderThan.UtcDateTime) continue;
            using var _ = await locks.AcquireAsync(digest, ct);
            if (await metadata.IsBlobKnownAsync(digest, ct)) continue;
            var size = blobs.GetSize(digest) ?? 0;
            blobs.Delete(digest);
            deleted++;
            bytes += size;
            LogDeleted(digest.ToString(), size);
        }
        LogFinished(referrers, unlinked, deleted, bytes);
        return new GcResult(deleted, bytes, unlinked, referrers);
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Debug, Message = "gc deleted blob {Digest} ({Size} bytes)")]
    private partial void LogDeleted(string digest, long size);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "gc finished: {Referrers} orphan referrers, {Links} repository links dropped, {Count} blobs, {Bytes} bytes freed")]
    private partial void LogFinished(int referrers, int links, int count, long bytes);
}

/// <summary>
/// What one garbage collection removed: blob files and their bytes, repository links dropped, and referrer
/// manifests deleted because their subject was gone.
/// </summary>
public sealed record GcResult(int BlobsDeleted, long BytesFreed, int LinksRemoved = 0, int ReferrersDeleted = 0);
