using Lamina.Oci;
using Microsoft.Data.Sqlite;

namespace Lamina.Registry.Storage.Sqlite;

public sealed partial class SqliteRegistryMetadata
{
    /// <summary>
    /// Deletes the manifest and its tags, then — as for an index — each child manifest nothing else in the
    /// repository keeps (no tag, no other manifest referencing it), down nested indexes. A referrer naming a
    /// manifest as its subject does not keep it: <c>subject</c> is a weak association (image-spec), and the
    /// referrers left without their subject go at the next collection (<see cref="DeleteOrphanReferrersAsync"/>). One transaction: a crash leaves either all of it or none of it. What the deleted
    /// manifests referenced gets a fresh clock (blob and repository link) so the collector grants it a grace
    /// period before <see cref="UnlinkUnreferencedAsync"/> and <see cref="TryForgetBlobAsync"/> free it.
    /// </summary>
    public Task<bool> DeleteManifestAsync(string repository, Digest digest, CancellationToken ct = default) =>
        _db.WriteAsync((c, tx) =>
        {
            var repo = RepositoryId(c, tx, repository);
            if (repo is null) return false;
            return DeleteWithChildren(c, tx, repo.Value, digest.ToString());
        }, ct);

    /// <summary>
    /// Deletes, in every repository, the referrers whose subject is not (or no longer) a manifest of their
    /// repository, that nothing keeps (no tag, no index referencing them) and that were pushed before
    /// <paramref name="olderThan"/> — the age protects a referrer pushed ahead of its subject, which the
    /// distribution spec allows. Repeats until none is left, so a referrer of a deleted referrer (the signature
    /// of an SBOM of a deleted image) goes in the same call. One transaction; returns how many manifests went,
    /// children of deleted referrer indexes included.
    /// </summary>
    public Task<int> DeleteOrphanReferrersAsync(DateTimeOffset olderThan, CancellationToken ct = default) =>
        _db.WriteAsync((c, tx) =>
        {
            var deleted = 0;
            while (true)
            {
                var orphans = c.Query(tx,
                    """
                    SELECT m.repo_id, m.digest FROM manifests m
                    WHERE m.subject IS NOT NULL AND m.pushed_at < $t
                    AND NOT EXISTS (SELECT 1 FROM manifests s WHERE s.repo_id = m.repo_id AND s.digest = m.subject)
                    AND NOT EXISTS (SELECT 1 FROM tags WHERE repo_id = m.repo_id AND digest = m.digest)
                    AND NOT EXISTS (SELECT 1 FROM manifest_references WHERE repo_id = m.repo_id AND digest = m.digest)
                    """,
                    r => (Repo: r.GetInt64(0), Digest: r.GetString(1)), ("$t", olderThan.ToUnixMs()));
                if (orphans.Count == 0) return deleted;
                foreach (var (repo, digest) in orphans)
                {
                    // An earlier orphan of this round may have been an index holding this one: already gone.
                    deleted += DeleteWithChildren(c, tx, repo, digest) ? 1 : 0;
                }
            }
        }, ct);

    /// <summary>Deletes one manifest and, down nested indexes, each child nothing else keeps; false when the manifest is unknown.</summary>
    private bool DeleteWithChildren(SqliteConnection c, SqliteTransaction tx, long repo, string digest)
    {
        if (!DeleteOneManifest(c, tx, repo, digest, out var children)) return false;
        var pending = new Stack<string>(children);
        while (pending.TryPop(out var child))
        {
            if (!IsKept(c, tx, repo, child) && DeleteOneManifest(c, tx, repo, child, out var grandChildren))
            {
                foreach (var g in grandChildren) pending.Push(g);
            }
        }
        return true;
    }

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

    /// <summary>Whether something other than a deleted parent keeps the manifest: a tag, another manifest's reference.</summary>
    private static bool IsKept(SqliteConnection c, SqliteTransaction tx, long repo, string digest) =>
        c.Scalar(tx,
            """
            SELECT 1 WHERE EXISTS (SELECT 1 FROM tags WHERE repo_id = $r AND digest = $d)
            OR EXISTS (SELECT 1 FROM manifest_references WHERE repo_id = $r AND digest = $d)
            """,
            ("$r", repo), ("$d", digest)) is not null;
}
