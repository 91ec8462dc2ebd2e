using Lamina.Oci;

namespace Lamina.Registry.Storage.Sqlite;

public sealed partial class SqliteRegistryMetadata
{
    public Task LinkBlobAsync(string repository, Digest digest, long size, CancellationToken ct = default) =>
        _db.WriteAsync((c, tx) =>
        {
            var repo = EnsureRepositoryId(c, tx, repository);
            TouchBlob(c, tx, digest, size);
            // A link made again (re-upload, mount) restarts its clock like the blob's: see UnlinkUnreferencedAsync.
            c.Execute(tx,
                "INSERT INTO repository_blobs(repo_id, digest, linked_at) VALUES ($r, $d, $t) ON CONFLICT(repo_id, digest) DO UPDATE SET linked_at = excluded.linked_at",
                ("$r", repo), ("$d", digest.ToString()), ("$t", Now));
            return true;
        }, ct);

    /// <summary>Records that the blob is durable in the blob store without linking it to a repository (manifest bytes, dedup).</summary>
    public Task TouchBlobAsync(Digest digest, long size, CancellationToken ct = default) =>
        _db.WriteAsync((c, tx) => { TouchBlob(c, tx, digest, size); return true; }, ct);

    public Task<long?> GetLinkedBlobSizeAsync(string repository, Digest digest, CancellationToken ct = default) =>
        Task.FromResult(_db.Read(c => c.Scalar(null,
            """
            SELECT b.size FROM blobs b
            JOIN repository_blobs rb ON rb.digest = b.digest
            JOIN repositories r ON r.id = rb.repo_id
            WHERE r.name = $n AND b.digest = $d
            """, ("$n", repository), ("$d", digest.ToString())) as long?));

    public Task<long?> GetBlobSizeAsync(Digest digest, CancellationToken ct = default) =>
        Task.FromResult(_db.Read(c => c.Scalar(null, "SELECT size FROM blobs WHERE digest = $d", ("$d", digest.ToString())) as long?));

    public Task<bool> UnlinkBlobAsync(string repository, Digest digest, CancellationToken ct = default) =>
        _db.WriteAsync((c, tx) =>
        {
            var repo = RepositoryId(c, tx, repository);
            if (repo is null) return false;
            var removed = c.Execute(tx, "DELETE FROM repository_blobs WHERE repo_id = $r AND digest = $d",
                ("$r", repo), ("$d", digest.ToString())) > 0;
            if (removed)
            {
                c.Execute(tx, "UPDATE blobs SET last_touched = $t WHERE digest = $d", ("$t", Now), ("$d", digest.ToString()));
            }
            return removed;
        }, ct);

    private const string Unreferenced =
        """
        NOT EXISTS (SELECT 1 FROM repository_blobs rb WHERE rb.digest = b.digest)
        AND NOT EXISTS (SELECT 1 FROM manifest_references mr WHERE mr.digest = b.digest)
        AND NOT EXISTS (SELECT 1 FROM manifests m WHERE m.digest = b.digest)
        """;

    public Task<IReadOnlyList<Digest>> FindUnreferencedBlobsAsync(DateTimeOffset olderThan, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<Digest>>(_db.Read(c => c.Query(null,
            $"SELECT b.digest FROM blobs b WHERE b.last_touched < $t AND {Unreferenced}",
            r => Digest.Parse(r.GetString(0)), ("$t", olderThan.ToUnixMs()))));

    public Task<bool> TryForgetBlobAsync(Digest digest, DateTimeOffset olderThan, CancellationToken ct = default) =>
        _db.WriteAsync((c, tx) => c.Execute(tx,
            $"DELETE FROM blobs AS b WHERE b.digest = $d AND b.last_touched < $t AND {Unreferenced}",
            ("$d", digest.ToString()), ("$t", olderThan.ToUnixMs())) > 0, ct);

    /// <summary>Whether the metadata knows the blob at all (GC uses it to find files on disk with no row).</summary>
    public Task<bool> IsBlobKnownAsync(Digest digest, CancellationToken ct = default) =>
        Task.FromResult(_db.Read(c => c.Scalar(null, "SELECT 1 FROM blobs WHERE digest = $d", ("$d", digest.ToString())) is not null));
}
