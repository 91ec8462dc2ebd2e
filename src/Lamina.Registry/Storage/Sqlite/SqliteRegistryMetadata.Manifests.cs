using Lamina.Oci;
using Microsoft.Data.Sqlite;

namespace Lamina.Registry.Storage.Sqlite;

public sealed partial class SqliteRegistryMetadata
{
    private const string ManifestColumns = "m.digest, m.media_type, m.size, m.artifact_type, m.subject, m.annotations, m.pushed_at, m.refs";

    public Task<PutManifestResult> PutManifestAsync(string repository, ManifestRecord manifest, string? tag, CancellationToken ct = default) =>
        _db.WriteAsync((c, tx) =>
        {
            var repo = EnsureRepositoryId(c, tx, repository);
            var digest = manifest.Digest.ToString();
            // Checked inside the write transaction so a concurrent unlink or delete cannot slip in between.
            foreach (var reference in manifest.References)
            {
                var d = reference.Digest.ToString();
                var present = c.Scalar(tx,
                    "SELECT 1 FROM repository_blobs WHERE repo_id = $r AND digest = $d UNION ALL SELECT 1 FROM manifests WHERE repo_id = $r AND digest = $d LIMIT 1",
                    ("$r", repo), ("$d", d)) is not null;
                if (!present) return new PutManifestResult(PutManifestStatus.ReferenceMissing, reference.Digest);
            }
            if (tag is not null)
            {
                var mutability = (TagMutability)Convert.ToInt32(c.Scalar(tx, "SELECT tag_mutability FROM repositories WHERE id = $r", ("$r", repo)));
                var current = c.Scalar(tx, "SELECT digest FROM tags WHERE repo_id = $r AND tag = $t", ("$r", repo), ("$t", tag)) as string;
                if (mutability == TagMutability.Immutable && current is not null && current != digest)
                {
                    return new PutManifestResult(PutManifestStatus.TagImmutable);
                }
            }
            TouchBlob(c, tx, manifest.Digest, manifest.Size);
            var inserted = c.Execute(tx,
                """
                INSERT OR IGNORE INTO manifests(repo_id, digest, media_type, size, artifact_type, subject, annotations, pushed_at, refs)
                VALUES ($r, $d, $mt, $s, $at, $sub, $ann, $t, $refs)
                """,
                ("$r", repo), ("$d", digest), ("$mt", manifest.MediaType), ("$s", manifest.Size), ("$at", manifest.ArtifactType),
                ("$sub", manifest.Subject?.ToString()), ("$ann", DescriptorJson.SerializeMap(manifest.Annotations)),
                ("$t", manifest.PushedAt.ToUnixMs()), ("$refs", DescriptorJson.Serialize(manifest.References)));
            if (inserted > 0)
            {
                foreach (var reference in manifest.References.Select(r => r.Digest.ToString()).Distinct(StringComparer.Ordinal))
                {
                    c.Execute(tx, "INSERT OR IGNORE INTO manifest_references(repo_id, manifest_digest, digest) VALUES ($r, $m, $d)",
                        ("$r", repo), ("$m", digest), ("$d", reference));
                }
            }
            if (tag is not null)
            {
                c.Execute(tx,
                    "INSERT INTO tags(repo_id, tag, digest, updated_at) VALUES ($r, $tag, $d, $t) ON CONFLICT(repo_id, tag) DO UPDATE SET digest = excluded.digest, updated_at = excluded.updated_at",
                    ("$r", repo), ("$tag", tag), ("$d", digest), ("$t", Now));
            }
            return new PutManifestResult(PutManifestStatus.Stored);
        }, ct);

    public Task<ManifestRecord?> GetManifestAsync(string repository, Digest digest, CancellationToken ct = default) =>
        Task.FromResult(_db.Read(c => c.Query(null,
            $"SELECT {ManifestColumns} FROM manifests m JOIN repositories r ON r.id = m.repo_id WHERE r.name = $n AND m.digest = $d",
            MapManifest, ("$n", repository), ("$d", digest.ToString())).FirstOrDefault()));

    public Task<ManifestRecord?> GetManifestByTagAsync(string repository, string tag, CancellationToken ct = default) =>
        Task.FromResult(_db.Read(c => c.Query(null,
            $"""
            SELECT {ManifestColumns} FROM tags t
            JOIN repositories r ON r.id = t.repo_id
            JOIN manifests m ON m.repo_id = t.repo_id AND m.digest = t.digest
            WHERE r.name = $n AND t.tag = $t
            """,
            MapManifest, ("$n", repository), ("$t", tag)).FirstOrDefault()));

    public Task<bool> DeleteTagAsync(string repository, string tag, CancellationToken ct = default) =>
        _db.WriteAsync((c, tx) => c.Execute(tx,
            "DELETE FROM tags WHERE tag = $t AND repo_id = (SELECT id FROM repositories WHERE name = $n)",
            ("$t", tag), ("$n", repository)) > 0, ct);

    public Task<IReadOnlyList<string>?> ListTagsAsync(string repository, string? after, int limit, CancellationToken ct = default) =>
        Task.FromResult(_db.Read<IReadOnlyList<string>?>(c =>
        {
            var repo = RepositoryId(c, null, repository);
            if (repo is null) return null;
            return c.Query(null, "SELECT tag FROM tags WHERE repo_id = $r AND tag > $a ORDER BY tag LIMIT $l",
                r => r.GetString(0), ("$r", repo), ("$a", after ?? ""), ("$l", limit));
        }));

    public Task<IReadOnlyList<ImageRecord>> ListImagesAsync(string repository, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<ImageRecord>>(_db.Read(c =>
        {
            var repo = RepositoryId(c, null, repository);
            if (repo is null) return [];
            var tags = c.Query(null, "SELECT digest, tag FROM tags WHERE repo_id = $r ORDER BY tag", r => (r.GetString(0), r.GetString(1)), ("$r", repo))
                .ToLookup(t => t.Item1, t => t.Item2, StringComparer.Ordinal);
            var manifests = c.Query(null, $"SELECT {ManifestColumns} FROM manifests m WHERE m.repo_id = $r ORDER BY m.pushed_at, m.digest", MapManifest, ("$r", repo));
            return manifests.Select(m => new ImageRecord(m, tags[m.Digest.ToString()].ToList(),
                m.References.Where(d => !MediaTypes.IsManifest(d.MediaType)).Sum(d => d.Size))).ToList();
        }));

    public Task<IReadOnlyList<ManifestRecord>> ListReferrersAsync(string repository, Digest subject, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<ManifestRecord>>(_db.Read(c => c.Query(null,
            $"SELECT {ManifestColumns} FROM manifests m JOIN repositories r ON r.id = m.repo_id WHERE r.name = $n AND m.subject = $s ORDER BY m.digest",
            MapManifest, ("$n", repository), ("$s", subject.ToString()))));

    private static ManifestRecord MapManifest(SqliteDataReader r) => new(
        Digest.Parse(r.GetString(0)),
        r.GetString(1),
        r.GetInt64(2),
        r.NullableString(3),
        r.IsDBNull(4) ? null : Digest.Parse(r.GetString(4)),
        DescriptorJson.DeserializeMap(r.NullableString(5)),
        SqlCommands.FromUnixMs(r.GetInt64(6)),
        DescriptorJson.Deserialize(r.GetString(7)));
}
