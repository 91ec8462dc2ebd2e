using Microsoft.Extensions.Logging;

namespace Lamina.Registry.Storage;

/// <summary>
/// Deletes blobs nothing refers to, while pushes go on (no stop-the-world). Safety argument:
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
        LogFinished(deleted, bytes);
        return new GcResult(deleted, bytes);
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Debug, Message = "gc deleted blob {Digest} ({Size} bytes)")]
    private partial void LogDeleted(string digest, long size);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "gc finished: {Count} blobs, {Bytes} bytes freed")]
    private partial void LogFinished(int count, long bytes);
}

/// <summary>What one garbage collection removed.</summary>
public sealed record GcResult(int BlobsDeleted, long BytesFreed);
