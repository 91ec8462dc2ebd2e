using Microsoft.Data.Sqlite;

namespace Lamina.Control.Storage;

/// <summary>
/// Schema migrations of DATA/control.db, applied in order on open; <c>PRAGMA user_version</c> counts those
/// that ran. A released migration is never edited; a change is a new entry at the end.
/// Configurations are JSON documents (<see cref="ControlJson"/>): the API evolves by adding fields, and a
/// published version must keep exactly what it was published with. Times are Unix milliseconds (UTC).
/// <code>
/// functions ─┬─&lt; versions              (name, version)  immutable snapshots
///            ├─&lt; aliases               (name, alias)
///            ├─&lt; url_configs           (name, qualifier '' = unqualified)
///            ├─&lt; event_invoke_configs  (name, qualifier '' = unqualified)
///            └─&lt; provisioned_concurrency (name, qualifier: a version or an alias)
/// </code>
/// </summary>
internal static class ControlSchema
{
    private static readonly string[] Migrations =
    [
        // 1: initial schema
        """
        CREATE TABLE functions (
            name                 TEXT PRIMARY KEY,
            created_at           INTEGER NOT NULL,
            config               TEXT NOT NULL,
            tags                 TEXT NOT NULL DEFAULT '{}',
            reserved_concurrency INTEGER,
            last_version         INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;
        CREATE TABLE versions (
            function_name TEXT NOT NULL REFERENCES functions(name) ON DELETE CASCADE,
            version       INTEGER NOT NULL,
            config        TEXT NOT NULL,
            PRIMARY KEY (function_name, version)
        ) WITHOUT ROWID;
        CREATE TABLE aliases (
            function_name TEXT NOT NULL REFERENCES functions(name) ON DELETE CASCADE,
            name          TEXT NOT NULL,
            config        TEXT NOT NULL,
            PRIMARY KEY (function_name, name)
        ) WITHOUT ROWID;
        CREATE TABLE url_configs (
            function_name TEXT NOT NULL REFERENCES functions(name) ON DELETE CASCADE,
            qualifier     TEXT NOT NULL,
            config        TEXT NOT NULL,
            PRIMARY KEY (function_name, qualifier)
        ) WITHOUT ROWID;
        CREATE TABLE event_invoke_configs (
            function_name TEXT NOT NULL REFERENCES functions(name) ON DELETE CASCADE,
            qualifier     TEXT NOT NULL,
            config        TEXT NOT NULL,
            PRIMARY KEY (function_name, qualifier)
        ) WITHOUT ROWID;
        """,
        // 2: provisioned concurrency (the scheduler writes Allocated/Available/Status into config)
        """
        CREATE TABLE provisioned_concurrency (
            function_name TEXT NOT NULL REFERENCES functions(name) ON DELETE CASCADE,
            qualifier     TEXT NOT NULL,
            config        TEXT NOT NULL,
            PRIMARY KEY (function_name, qualifier)
        ) WITHOUT ROWID;
        """,
        // 3: per-minute invocation metrics (Metrics/MetricsStore.cs); no foreign key: like CloudWatch's, a
        // deleted function's metrics stay until retention drops them. durations: sampled float64 little-endian.
        """
        CREATE TABLE metric_minutes (
            function_name        TEXT NOT NULL,
            minute               INTEGER NOT NULL,
            invocations          INTEGER NOT NULL,
            errors               INTEGER NOT NULL,
            throttles            INTEGER NOT NULL,
            platform_errors      INTEGER NOT NULL,
            cold_starts          INTEGER NOT NULL,
            init_duration_sum_ms REAL NOT NULL,
            max_concurrency      INTEGER NOT NULL,
            ran                  INTEGER NOT NULL,
            durations            BLOB NOT NULL,
            PRIMARY KEY (function_name, minute)
        ) WITHOUT ROWID;
        CREATE INDEX metric_minutes_by_minute ON metric_minutes (minute);
        """,
    ];

    /// <summary>The schema version this build writes.</summary>
    public static int Current => Migrations.Length;

    public static void Migrate(SqliteConnection connection) => SchemaMigrations.Apply(connection, Migrations, "control.db");
}
