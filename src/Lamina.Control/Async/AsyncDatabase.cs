using Lamina.Sqlite;
using Lamina.Control.Storage;
using Microsoft.Data.Sqlite;

namespace Lamina.Control.Async;

/// <summary>
/// DATA/async.db: accepted Event invocations until they finish. A database of its own (not control.db)
/// because its write rate follows the invoke rate: queue churn must not wait behind, nor hold up, the
/// configuration writes of the Lambda API, and a burst of events must never slow down CreateFunction.
/// <code>
/// events  id (insertion order) · request_id · function_name · qualifier (as invoked, '' = none)
///         invoked_arn · config (FunctionConfig JSON resolved at invoke time) · payload · client_context
///         enqueued_at · due_at (unix ms) · retries (function errors so far) · invoke_count · claimed (0/1)
///         traceparent (W3C, of the accepting Invoke span; null when untraced)
/// </code>
/// A row is inserted (and fsynced) before the API answers 202, claimed while a worker runs it and deleted
/// when it finished for good; claims are cleared at start, so an event in flight at a crash runs again.
/// </summary>
public sealed class AsyncDatabase(string path) : SqliteFile(path, Migrate)
{
    private static readonly string[] Migrations =
    [
        // 1: initial schema
        """
        CREATE TABLE events (
            id             INTEGER PRIMARY KEY AUTOINCREMENT,
            request_id     TEXT NOT NULL,
            function_name  TEXT NOT NULL,
            qualifier      TEXT NOT NULL,
            invoked_arn    TEXT NOT NULL,
            config         TEXT NOT NULL,
            payload        BLOB NOT NULL,
            client_context TEXT,
            enqueued_at    INTEGER NOT NULL,
            due_at         INTEGER NOT NULL,
            retries        INTEGER NOT NULL DEFAULT 0,
            invoke_count   INTEGER NOT NULL DEFAULT 0,
            claimed        INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX events_due ON events(claimed, due_at);
        """,
        // 2: the accepting request's trace context (W3C traceparent), so the run continues its trace
        "ALTER TABLE events ADD COLUMN traceparent TEXT;",
    ];

    private static void Migrate(SqliteConnection connection) => SchemaMigrations.Apply(connection, Migrations, "async.db");
}
