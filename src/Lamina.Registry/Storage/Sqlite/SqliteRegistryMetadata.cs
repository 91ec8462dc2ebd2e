using Lamina.Oci;
using Microsoft.Data.Sqlite;

namespace Lamina.Registry.Storage.Sqlite;

/// <summary>
/// <see cref="IRegistryMetadata"/> on the SQLite file under the data directory. Each public method is one
/// transaction; writes are serialised by <see cref="SqliteDatabase"/> and durable when the task completes.
/// Split into partials by concern: repositories, blobs, manifests, uploads, garbage collection.
/// </summary>
public sealed partial class SqliteRegistryMetadata : IRegistryMetadata, IUploadSessionStore
{
    private readonly SqliteDatabase _db;
    private readonly TimeProvider _time;

    public SqliteRegistryMetadata(SqliteDatabase db, TimeProvider time)
    {
        _db = db;
        _time = time;
    }

    private long Now => _time.GetUtcNow().ToUnixMs();

    public Task<RepositoryInfo?> GetRepositoryAsync(string name, CancellationToken ct = default) =>
        Task.FromResult(_db.Read(c => ReadRepository(c, null, name)));

    public Task<RepositoryInfo?> CreateRepositoryAsync(string name, TagMutability mutability, CancellationToken ct = default) =>
        _db.WriteAsync((c, tx) =>
        {
            var inserted = c.Execute(tx,
                "INSERT OR IGNORE INTO repositories(name, created_at, tag_mutability) VALUES ($n, $t, $m)",
                ("$n", name), ("$t", Now), ("$m", (int)mutability));
            return inserted == 0 ? null : ReadRepository(c, tx, name);
        }, ct);

    public Task<RepositoryInfo> EnsureRepositoryAsync(string name, CancellationToken ct = default) =>
        _db.WriteAsync((c, tx) =>
        {
            EnsureRepositoryId(c, tx, name);
            return ReadRepository(c, tx, name)!;
        }, ct);

    public Task<IReadOnlyList<RepositoryInfo>> ListRepositoriesAsync(string? after, int limit, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<RepositoryInfo>>(_db.Read(c => c.Query(null,
            "SELECT name, created_at, tag_mutability, lifecycle_policy FROM repositories WHERE name > $a ORDER BY name LIMIT $l",
            MapRepository, ("$a", after ?? ""), ("$l", limit))));

    public Task<DeleteRepositoryResult> DeleteRepositoryAsync(string name, bool force, CancellationToken ct = default) =>
        _db.WriteAsync((c, tx) =>
        {
            var id = RepositoryId(c, tx, name);
            if (id is null) return DeleteRepositoryResult.NotFound;
            if (!force && c.Scalar(tx, "SELECT 1 FROM manifests WHERE repo_id = $r LIMIT 1", ("$r", id)) is not null)
            {
                return DeleteRepositoryResult.NotEmpty;
            }
            // Blobs it linked stay in the blobs table with a fresh touch, so GC waits a grace period before
            // removing bytes that a concurrent push to another repository may be about to link.
            c.Execute(tx, "UPDATE blobs SET last_touched = $t WHERE digest IN (SELECT digest FROM repository_blobs WHERE repo_id = $r)",
                ("$t", Now), ("$r", id));
            c.Execute(tx, "DELETE FROM repositories WHERE id = $r", ("$r", id));
            return DeleteRepositoryResult.Deleted;
        }, ct);

    public Task<bool> SetTagMutabilityAsync(string name, TagMutability mutability, CancellationToken ct = default) =>
        _db.WriteAsync((c, tx) => c.Execute(tx, "UPDATE repositories SET tag_mutability = $m WHERE name = $n",
            ("$m", (int)mutability), ("$n", name)) > 0, ct);

    public Task<bool> SetLifecyclePolicyAsync(string name, string? policyText, CancellationToken ct = default) =>
        _db.WriteAsync((c, tx) => c.Execute(tx, "UPDATE repositories SET lifecycle_policy = $p WHERE name = $n",
            ("$p", policyText), ("$n", name)) > 0, ct);

    private static RepositoryInfo? ReadRepository(SqliteConnection c, SqliteTransaction? tx, string name) =>
        c.Query(tx, "SELECT name, created_at, tag_mutability, lifecycle_policy FROM repositories WHERE name = $n",
            MapRepository, ("$n", name)).FirstOrDefault();

    private static RepositoryInfo MapRepository(SqliteDataReader r) =>
        new(r.GetString(0), SqlCommands.FromUnixMs(r.GetInt64(1)), (TagMutability)r.GetInt32(2), r.NullableString(3));

    private static long? RepositoryId(SqliteConnection c, SqliteTransaction? tx, string name) =>
        c.Scalar(tx, "SELECT id FROM repositories WHERE name = $n", ("$n", name)) is long id ? id : null;

    private long EnsureRepositoryId(SqliteConnection c, SqliteTransaction tx, string name)
    {
        c.Execute(tx, "INSERT OR IGNORE INTO repositories(name, created_at, tag_mutability) VALUES ($n, $t, 0)",
            ("$n", name), ("$t", Now));
        return RepositoryId(c, tx, name)!.Value;
    }

    /// <summary>Records the blob's existence and refreshes its GC clock.</summary>
    private void TouchBlob(SqliteConnection c, SqliteTransaction tx, Digest digest, long size) =>
        c.Execute(tx,
            "INSERT INTO blobs(digest, size, last_touched) VALUES ($d, $s, $t) ON CONFLICT(digest) DO UPDATE SET last_touched = excluded.last_touched",
            ("$d", digest.ToString()), ("$s", size), ("$t", Now));
}
