using Microsoft.Data.Sqlite;

namespace Lamina.Registry.Storage.Sqlite;

/// <summary>
/// Schema migrations, applied in order on open. <c>PRAGMA user_version</c> records how many have run;
/// a migration is never edited once released, a change is a new entry at the end.
/// Times are Unix milliseconds (UTC); digests are their canonical "alg:hex" text.
/// </summary>
internal static class SqliteSchema
{
    private static readonly string[] Migrations =
    [
        // 1: initial schema
        """
        CREATE TABLE repositories (
            id               INTEGER PRIMARY KEY,
            name             TEXT NOT NULL UNIQUE,
            created_at       INTEGER NOT NULL,
            tag_mutability   INTEGER NOT NULL DEFAULT 0,
            lifecycle_policy TEXT
        );
        CREATE TABLE blobs (
            digest       TEXT PRIMARY KEY,
            size         INTEGER NOT NULL,
            last_touched INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE repository_blobs (
            repo_id   INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
            digest    TEXT NOT NULL,
            linked_at INTEGER NOT NULL,
            PRIMARY KEY (repo_id, digest)
        ) WITHOUT ROWID;
        CREATE INDEX repository_blobs_digest ON repository_blobs(digest);
        CREATE TABLE manifests (
            repo_id       INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
            digest        TEXT NOT NULL,
            media_type    TEXT NOT NULL,
            size          INTEGER NOT NULL,
            artifact_type TEXT,
            subject       TEXT,
            annotations   TEXT,
            pushed_at     INTEGER NOT NULL,
            refs          TEXT NOT NULL,
            PRIMARY KEY (repo_id, digest)
        ) WITHOUT ROWID;
        CREATE INDEX manifests_digest ON manifests(digest);
        CREATE INDEX manifests_subject ON manifests(repo_id, subject) WHERE subject IS NOT NULL;
        CREATE TABLE manifest_references (
            repo_id         INTEGER NOT NULL,
            manifest_digest TEXT NOT NULL,
            digest          TEXT NOT NULL,
            PRIMARY KEY (repo_id, manifest_digest, digest),
            FOREIGN KEY (repo_id, manifest_digest) REFERENCES manifests(repo_id, digest) ON DELETE CASCADE
        ) WITHOUT ROWID;
        CREATE INDEX manifest_references_digest ON manifest_references(digest);
        CREATE TABLE tags (
            repo_id    INTEGER NOT NULL,
            tag        TEXT NOT NULL,
            digest     TEXT NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (repo_id, tag),
            FOREIGN KEY (repo_id, digest) REFERENCES manifests(repo_id, digest) ON DELETE CASCADE
        ) WITHOUT ROWID;
        CREATE TABLE uploads (
            id         TEXT PRIMARY KEY,
            repository TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            offset     INTEGER NOT NULL
        ) WITHOUT ROWID;
        """,
        // 2: deleting a manifest looks up its tags by digest (the tags' foreign key, and the index-children cascade)
        """
        CREATE INDEX tags_digest ON tags(repo_id, digest);
        """,
    ];

    /// <summary>The schema version this build writes.</summary>
    public static int CurrentVersion => Migrations.Length;

    public static void Migrate(SqliteConnection connection)
    {
        using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode=WAL;";
            wal.ExecuteNonQuery();
        }
        using var tx = connection.BeginTransaction(deferred: false);
        var version = Convert.ToInt32(Scalar(connection, tx, "PRAGMA user_version;"));
        if (version > Migrations.Length)
        {
            throw new InvalidOperationException(
                $"the registry database is at schema version {version}, newer than this build ({Migrations.Length}); upgrade Lamina");
        }
        for (var i = version; i < Migrations.Length; i++)
        {
            using var cmd = connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = Migrations[i] + $"\nPRAGMA user_version = {i + 1};";
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

    private static object? Scalar(SqliteConnection connection, SqliteTransaction tx, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }
}
