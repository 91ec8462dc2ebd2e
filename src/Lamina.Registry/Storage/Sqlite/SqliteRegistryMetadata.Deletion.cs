using Lamina.Oci;
using Microsoft.Data.Sqlite;

namespace Lamina.Registry.Storage.Sqlite;

public sealed partial class SqliteRegistryMetadata
{
    /// <summary>
    /// Deletes the manifest and its tags, then — as for an index — each child manifest nothing else in the
    /// repository keeps (no tag, no other manifest referencing it, no referrer naming it as subject), down
    /// nested indexes. One transaction: a crash leaves either all of it or none of it. What the deleted
    /// manifests referenced gets a fresh clock (blob and repository link) so the collector grants it a grace
    /// period before <see cref="UnlinkUnreferencedAsync"/> and <see cref="TryForgetBlobAsync"/> free it.
    /// </summary>
    public Task<bool> DeleteManifestAsync(string repository, Digest digest, CancellationToken ct = default) =>
        _db.WriteAsync((c, tx) =>
        {
            var repo = RepositoryId(c, tx, repository);
            if (repo is null) return false;
            if (!DeleteOneManifest(c, tx, repo.Value, digest.ToString(), out var children)) return false;
            var pending = new Stack<string>(children);
            while (pending.TryPop(out var child))
            {
                if (!IsKept(c, tx, repo.Value, child) && DeleteOneManifest(c, tx, repo.Value, child, out var grandChildren))
                {
                    foreach (var g in grandChildren) pending.Push(g);
                }
            }
            return true;
        }, ct);

    /// <summary>Deletes one manifest row (its tags and references cascade); <paramref name="children"/> are the manifests of the repository it referenced.</summary>
    private bool DeleteOneManifest(SqliteConnection c, SqliteTransaction tx, long repo, string digest, out List<string> children)
    {
        children = [];
        // An unknown digest (a layer's, another repository's manifest) changes nothing, not even a clock.
        if (c.Scalar(tx, "SELECT 1 FROM manifests WHERE repo_id = $r AND digest = $d", ("$r", repo), ("$d", digest)) is null) return false;
        children = c.Query(tx,
            """
            SELECT mr.digest FROM manifest_references mr
            JOIN manifests m ON m.repo_id = mr.repo_id AND m.digest = mr.digest
            WHERE mr.repo_id = $r AND mr.manifest_digest = $d
            """,
            r => r.GetString(0), ("$r", repo), ("$d", digest));
        var now = Now;
        c.Execute(tx,
            "UPDATE blobs SET last_touched = $t WHERE digest = $d OR digest IN (SELECT digest FROM manifest_references WHERE repo_id = $r AND manifest_digest = $d)",
            ("$t", now), ("$d", digest), ("$r", repo));
        c.Execute(tx,
            "UPDATE repository_blobs SET linked_at = $t WHERE repo_id = $r AND digest IN (SELECT digest FROM manifest_references WHERE repo_id = $r AND manifest_digest = $d)",
            ("$t", now), ("$d", digest), ("$r", repo));
        return c.Execute(tx, "DELETE FROM manifests WHERE repo_id = $r AND digest = $d", ("$r", repo), ("$d", digest)) > 0;
    }

    /// <summary>Whether something other than a deleted parent keeps the manifest: a tag, another manifest's reference, a referrer.</summary>
    private static bool IsKept(SqliteConnection c, SqliteTransaction tx, long repo, string digest) =>
        c.Scalar(tx,
            """
            SELECT 1 WHERE EXISTS (SELECT 1 FROM tags WHERE repo_id = $r AND digest = $d)
            OR EXISTS (SELECT 1 FROM manifest_references WHERE repo_id = $r AND digest = $d)
            OR EXISTS (SELECT 1 FROM manifests WHERE repo_id = $r AND subject = $d)
            """,
            ("$r", repo), ("$d", digest)) is not null;
}
