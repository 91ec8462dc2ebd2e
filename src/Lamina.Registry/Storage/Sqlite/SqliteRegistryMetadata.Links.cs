using Lamina.Oci;

namespace Lamina.Registry.Storage.Sqlite;

/// <summary>
/// The life of a repository's link to a blob (<c>repository_blobs</c>). A link is made by an upload or a
/// mount and its clock (<c>linked_at</c>) restarts whenever it is made again, when a manifest that referenced
/// the blob is deleted, and when a client is told the blob is there (HEAD/GET, BatchCheckLayerAvailability)
/// while the clock is old. Garbage collection drops a link once no manifest of its repository references
/// the blob and its clock is older than the grace period; the blob itself goes when no link, no manifest
/// reference and no manifest is left (<see cref="TryForgetBlobAsync"/>).
/// </summary>
public sealed partial class SqliteRegistryMetadata
{
    public Task<long?> TouchLinkedBlobAsync(string repository, Digest digest, DateTimeOffset staleBefore, CancellationToken ct = default)
    {
        var d = digest.ToString();
        var link = _db.Read(c => c.Query(null,
            """
            SELECT b.size, rb.linked_at FROM blobs b
            JOIN repository_blobs rb ON rb.digest = b.digest
            JOIN repositories r ON r.id = rb.repo_id
            WHERE r.name = $n AND b.digest = $d
            """,
            r => (Size: r.GetInt64(0), LinkedAt: r.GetInt64(1)), ("$n", repository), ("$d", d)));
        if (link.Count == 0) return Task.FromResult<long?>(null);
        var (size, linkedAt) = link[0];
        if (linkedAt >= staleBefore.ToUnixMs()) return Task.FromResult<long?>(size);
        // Old clock: restart it in a write transaction, and answer from that transaction, so a collection
        // that dropped the link after the read above is seen (the client then gets "not here" and uploads).
        return _db.WriteAsync((c, tx) => c.Execute(tx,
            "UPDATE repository_blobs SET linked_at = $t WHERE digest = $d AND repo_id = (SELECT id FROM repositories WHERE name = $n)",
            ("$t", Now), ("$d", d), ("$n", repository)) > 0 ? size : (long?)null, ct);
    }

    public Task<int> UnlinkUnreferencedAsync(DateTimeOffset olderThan, CancellationToken ct = default) =>
        _db.WriteAsync((c, tx) => c.Execute(tx,
            """
            DELETE FROM repository_blobs AS rb
            WHERE rb.linked_at < $t
            AND NOT EXISTS (SELECT 1 FROM manifest_references mr WHERE mr.repo_id = rb.repo_id AND mr.digest = rb.digest)
            AND NOT EXISTS (SELECT 1 FROM manifests m WHERE m.repo_id = rb.repo_id AND m.digest = rb.digest)
            """,
            ("$t", olderThan.ToUnixMs())), ct);
}
