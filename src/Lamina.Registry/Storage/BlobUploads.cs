using System.Collections.Concurrent;
using System.Security.Cryptography;
using Lamina.Oci;
using Microsoft.Extensions.Logging;

namespace Lamina.Registry.Storage;

/// <summary>
/// Blob upload sessions (the push half of the distribution API, and ECR's layer upload API).
/// <code>
///  Start ──► uploads/UUID + row(offset 0) ──► Append* (offset grows, fsync, row updated) ──► Complete
///                                      │                                                  (verify digest,
///                                      └─► Cancel / expiry sweep: file and row removed    rename into blobs/)
/// </code>
/// The row in <see cref="IUploadSessionStore"/> says how many bytes are acknowledged; the file may hold more
/// after a failed append and is truncated back before the next one. One operation at a time per upload:
/// a second concurrent one is refused with <see cref="UploadStatus.Busy"/> rather than queued.
/// The sha256 of the bytes so far is kept in memory while appends are in order; after a restart or a
/// failed append the digest is recomputed from disk at completion. Single-request uploads and the expiry
/// sweep are in BlobUploads.Monolithic.cs.
/// </summary>
public sealed partial class BlobUploads(

    RegistryPaths paths, IUploadSessionStore sessions, ContentStore content, RegistryOptions options, TimeProvider time,
    ILogger<BlobUploads> logger)
{
    private readonly ConcurrentDictionary<string, byte> _busy = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RunningHash> _hashes = new(StringComparer.Ordinal);

    private string FileOf(string id) => Path.Combine(paths.Uploads, id);

    /// <summary>Whether an operation on the upload is in progress right now (tests use it to stage a conflict).</summary>
    internal bool IsBusy(string id) => _busy.ContainsKey(id);

    /// <summary>Opens a new session for <paramref name="repository"/>.</summary>
    public async Task<UploadSession> StartAsync(string repository, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var session = new UploadSession(Guid.NewGuid().ToString("D"), repository, now, now, 0);
        Directory.CreateDirectory(paths.Uploads);
        using (File.OpenHandle(FileOf(session.Id), FileMode.CreateNew, FileAccess.Write)) { }
        DirectorySync.Sync(paths.Uploads); // the session row is durable; so must be the file it names
        await sessions.CreateUploadAsync(session, ct);
        _hashes[session.Id] = new RunningHash();
        return session;
    }

    /// <summary>The session if it exists and belongs to <paramref name="repository"/>.</summary>
    public async Task<UploadSession?> GetAsync(string repository, string id, CancellationToken ct = default)
    {
        if (!Guid.TryParseExact(id, "D", out _)) return null; // never let an id near a path unless it is a UUID
        var session = await sessions.GetUploadAsync(id, ct);
        return session is not null && session.Repository == repository ? session : null;
    }

    /// <summary>
    /// Appends <paramref name="body"/> at <paramref name="start"/> (when given it must equal the current offset).
    /// When <paramref name="length"/> is given the body must have exactly that many bytes, otherwise nothing is kept.
    /// </summary>
    public async Task<UploadResult> AppendAsync(string repository, string id, Stream body, long? start, long? length, CancellationToken ct = default)
    {
        if (!_busy.TryAdd(id, 0)) return new UploadResult(UploadStatus.Busy, await OffsetOf(id, ct));
        try
        {
            var session = await GetAsync(repository, id, ct);
            if (session is null) return new UploadResult(UploadStatus.NotFound, 0);
            if (start is { } s && s != session.Offset) return new UploadResult(UploadStatus.OutOfOrder, session.Offset);
            var appended = await AppendCoreAsync(session, body, length, ct);
            return appended is null
                ? new UploadResult(UploadStatus.Incomplete, session.Offset)
                : new UploadResult(UploadStatus.Ok, appended.Value);
        }
        finally
        {
            _busy.TryRemove(id, out _);
        }
    }

    private async Task<long> OffsetOf(string id, CancellationToken ct) => (await sessions.GetUploadAsync(id, ct))?.Offset ?? 0;

    /// <summary>Writes the body after the acknowledged bytes; returns the new offset, or null when the body was short (nothing kept).</summary>
    private async Task<long?> AppendCoreAsync(UploadSession session, Stream body, long? length, CancellationToken ct)
    {
        var hash = _hashes.TryGetValue(session.Id, out var h) && h.Offset == session.Offset ? h : null;
        if (hash is null && _hashes.TryRemove(session.Id, out var stale)) stale.Dispose();
        long copied;
        using (var file = File.OpenHandle(FileOf(session.Id), FileMode.OpenOrCreate, FileAccess.Write))
        {
            // Bytes past the acknowledged offset are left-overs of a failed append: drop them.
            if (RandomAccess.GetLength(file) != session.Offset) RandomAccess.SetLength(file, session.Offset);
            try
            {
                copied = await StreamCopy.CopyAsync(body, file, session.Offset, hash?.Hasher, ct);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                LogAppendFailed(session.Id, e.Message);
                copied = -1;
            }
            if (copied < 0 || (length is { } l && copied != l))
            {
                RandomAccess.SetLength(file, session.Offset);
                if (_hashes.TryRemove(session.Id, out var broken)) broken.Dispose();
                return null;
            }
            RandomAccess.FlushToDisk(file);
        }
        var offset = session.Offset + copied;
        if (hash is not null) hash.Offset = offset;
        await sessions.UpdateUploadAsync(session.Id, offset, time.GetUtcNow(), CancellationToken.None);
        return offset;
    }

    /// <summary>
    /// Appends the optional final <paramref name="body"/>, verifies the whole upload against <paramref name="digest"/>
    /// and publishes it as a blob linked to the repository. On a digest mismatch the session is discarded.
    /// </summary>
    public async Task<UploadResult> CompleteAsync(string repository, string id, Digest digest, Stream? body, long? length, CancellationToken ct = default)
    {
        if (!_busy.TryAdd(id, 0)) return new UploadResult(UploadStatus.Busy, await OffsetOf(id, ct));
        try
        {
            var session = await GetAsync(repository, id, ct);
            if (session is null) return new UploadResult(UploadStatus.NotFound, 0);
            var offset = session.Offset;
            if (body is not null)
            {
                var appended = await AppendCoreAsync(session, body, length, ct);
                if (appended is null) return new UploadResult(UploadStatus.Incomplete, session.Offset);
                offset = appended.Value;
            }
            var path = FileOf(id);
            byte[] actual;
            if (digest.Algorithm == DigestAlgorithm.Sha256 && _hashes.TryGetValue(id, out var h) && h.Offset == offset)
            {
                actual = h.Hasher.GetCurrentHash();
            }
            else
            {
                using var hasher = Digest.CreateHasher(digest.Algorithm);
                actual = await StreamCopy.HashFileAsync(path, offset, hasher, ct);
            }
            if (Digest.FromHash(digest.Algorithm, actual) != digest)
            {
                await DiscardAsync(id);
                return new UploadResult(UploadStatus.DigestMismatch, offset);
            }
            if (new FileInfo(path).Length != offset)
            {
                using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Write);
                RandomAccess.SetLength(file, offset);
                RandomAccess.FlushToDisk(file);
            }
            await content.CommitBlobAsync(repository, path, digest, offset, CancellationToken.None);
            await DiscardAsync(id);
            return new UploadResult(UploadStatus.Ok, offset);
        }
        finally
        {
            _busy.TryRemove(id, out _);
        }
    }

    /// <summary>Cancels the session; false when it does not exist or is busy.</summary>
    public async Task<bool> CancelAsync(string repository, string id, CancellationToken ct = default)
    {
        if (await GetAsync(repository, id, ct) is null) return false;
        if (!_busy.TryAdd(id, 0)) return false;
        try
        {
            await DiscardAsync(id);
            return true;
        }
        finally
        {
            _busy.TryRemove(id, out _);
        }
    }

    private async Task DiscardAsync(string id)
    {
        if (_hashes.TryRemove(id, out var h)) h.Dispose();
        File.Delete(FileOf(id));
        await sessions.DeleteUploadAsync(id, CancellationToken.None);
    }

    private sealed class RunningHash : IDisposable
    {
        public IncrementalHash Hasher { get; } = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        public long Offset { get; set; }
        public void Dispose() => Hasher.Dispose();
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "upload {Id}: append failed, nothing kept: {Reason}")]
    private partial void LogAppendFailed(string id, string reason);
}

public enum UploadStatus { Ok, NotFound, Busy, OutOfOrder, Incomplete, DigestMismatch }

/// <summary>Outcome of an upload operation; <paramref name="Offset"/> is the bytes acknowledged afterwards.</summary>
public readonly record struct UploadResult(UploadStatus Status, long Offset);
