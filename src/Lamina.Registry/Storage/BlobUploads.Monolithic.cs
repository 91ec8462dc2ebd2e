using Lamina.Oci;

namespace Lamina.Registry.Storage;

public sealed partial class BlobUploads
{
    /// <summary>
    /// A whole blob in one request (POST ?digest=): streamed to a temporary file while hashed, verified,
    /// then published. No session row is written: if the request fails nothing remains but a temp file the
    /// sweep removes.
    /// </summary>
    public async Task<UploadResult> PutMonolithicAsync(string repository, Digest digest, Stream body, long? length, CancellationToken ct = default)
    {
        var temp = content.Blobs.NewTempPath();
        try
        {
            long copied;
            using var hasher = Digest.CreateHasher(digest.Algorithm);
            using (var file = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.Write))
            {
                try
                {
                    copied = await StreamCopy.CopyAsync(body, file, 0, hasher, ct);
                }
                catch (Exception e) when (e is IOException or OperationCanceledException)
                {
                    LogAppendFailed("monolithic", e.Message);
                    return new UploadResult(UploadStatus.Incomplete, 0);
                }
                if (length is { } l && copied != l) return new UploadResult(UploadStatus.Incomplete, 0);
                RandomAccess.FlushToDisk(file);
            }
            if (Digest.FromHash(digest.Algorithm, hasher.GetHashAndReset()) != digest)
            {
                return new UploadResult(UploadStatus.DigestMismatch, copied);
            }
            await content.CommitBlobAsync(repository, temp, digest, copied, CancellationToken.None);
            return new UploadResult(UploadStatus.Ok, copied);
        }
        finally
        {
            File.Delete(temp); // no-op once moved into place
        }
    }

    /// <summary>Removes sessions untouched for <see cref="RegistryOptions.UploadExpiry"/> and stray temporary files; returns how many sessions.</summary>
    public async Task<int> SweepExpiredAsync(CancellationToken ct = default)
    {
        var cutoff = time.GetUtcNow() - options.UploadExpiry;
        var removed = 0;
        foreach (var session in await sessions.ListStaleUploadsAsync(cutoff, ct))
        {
            if (!_busy.TryAdd(session.Id, 0)) continue; // in use right now: not abandoned
            try
            {
                await DiscardAsync(session.Id);
                removed++;
            }
            finally
            {
                _busy.TryRemove(session.Id, out _);
            }
        }
        if (Directory.Exists(paths.Uploads))
        {
            foreach (var file in Directory.EnumerateFiles(paths.Uploads, "tmp-*"))
            {
                if (File.GetLastWriteTimeUtc(file) < cutoff.UtcDateTime) File.Delete(file);
            }
        }
        return removed;
    }
}
