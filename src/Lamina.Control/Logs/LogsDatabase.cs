using Lamina.Control.Storage;
using Lamina.Sqlite;
using Microsoft.Data.Sqlite;

namespace Lamina.Control.Logs;

/// <summary>
/// DATA/logs.db: the CloudWatch Logs store. Separate from control.db because function output is the
/// highest write volume of the server: its batched inserts must never queue behind (or hold up) the Lambda
/// API's configuration writes, and it can be deleted without losing a function.
/// <code>
/// log_groups ─&lt; log_streams ─&lt; events
///   name PK        id PK, (group_name, name) unique     id PK (arrival order), stream_id,
///   created_at     created_at, first/last_event_at,       timestamp, ingestion_time (unix ms), message
///   retention_days last_ingestion_at, stored_bytes
/// </code>
/// events are read in (timestamp, id) order: by stream for GetLogEvents, across a group for FilterLogEvents.
/// </summary>
public sealed class LogsDatabase(string path) : SqliteFile(path, Migrate)
{
    private static readonly string[] Migrations =
    [
        // 1: initial schema
        """
        CREATE TABLE log_groups (
            name           TEXT PRIMARY KEY,
            created_at     INTEGER NOT NULL,
            retention_days INTEGER
        ) WITHOUT ROWID;
        CREATE TABLE log_streams (
            id                INTEGER PRIMARY KEY AUTOINCREMENT,
            group_name        TEXT NOT NULL REFERENCES log_groups(name) ON DELETE CASCADE,
            name              TEXT NOT NULL,
            created_at        INTEGER NOT NULL,
            first_event_at    INTEGER,
            last_event_at     INTEGER,
            last_ingestion_at INTEGER,
            stored_bytes      INTEGER NOT NULL DEFAULT 0,
            UNIQUE (group_name, name)
        );
        CREATE INDEX log_streams_last_event ON log_streams(group_name, last_event_at, name);
        CREATE TABLE events (
            id             INTEGER PRIMARY KEY AUTOINCREMENT,
            stream_id      INTEGER NOT NULL REFERENCES log_streams(id) ON DELETE CASCADE,
            timestamp      INTEGER NOT NULL,
            ingestion_time INTEGER NOT NULL,
            message        TEXT NOT NULL
        );
        CREATE INDEX events_stream_time ON events(stream_id, timestamp, id);
        CREATE INDEX events_time ON events(timestamp, id);
        """,
    ];

    private static void Migrate(SqliteConnection connection) => SchemaMigrations.Apply(connection, Migrations, "logs.db");
}
