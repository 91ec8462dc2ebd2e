using Lamina.Control.Storage;
using Microsoft.Data.Sqlite;

namespace Lamina.Control.Logs;

/// <summary>
/// Log groups, streams and events in <see cref="LogsDatabase"/>. Every write is one transaction; reads see
/// one snapshot. Expected failures (missing group, duplicate stream) come back as <see cref="LogsError"/>.
/// </summary>
public sealed partial class LogStore(LogsDatabase db, TimeProvider time)
{
    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    public Task<LogsError?> CreateGroupAsync(string name, CancellationToken ct) => db.WriteAsync<LogsError?>((c, tx) =>
        c.Execute(tx, "INSERT OR IGNORE INTO log_groups(name, created_at) VALUES ($n, $t)", ("$n", name), ("$t", Now)) > 0
            ? null
            : new LogsError(LogsErrorCode.ResourceAlreadyExists, "The specified log group already exists"), ct);

    public Task<LogsError?> DeleteGroupAsync(string name, CancellationToken ct) => db.WriteAsync((c, tx) =>
        c.Execute(tx, "DELETE FROM log_groups WHERE name = $n", ("$n", name)) > 0 ? null : LogsError.GroupNotFound(), ct);

    /// <summary>Groups in name order after <paramref name="after"/>, with <paramref name="prefix"/>.</summary>
    public List<LogGroupInfo> Groups(string? prefix, string? after, int limit) => db.Read(c => c.Query(null,
        """
        SELECT g.name, g.created_at, g.retention_days, COALESCE((SELECT SUM(stored_bytes) FROM log_streams s WHERE s.group_name = g.name), 0)
        FROM log_groups g WHERE g.name > $a AND substr(g.name, 1, length($p)) = $p ORDER BY g.name LIMIT $l
        """,
        r => new LogGroupInfo(r.GetString(0), r.GetInt64(1), r.IsDBNull(2) ? null : r.GetInt32(2), r.GetInt64(3)),
        ("$a", after ?? ""), ("$p", prefix ?? ""), ("$l", limit)));

    public Task<LogsError?> CreateStreamAsync(string group, string name, CancellationToken ct) => db.WriteAsync<LogsError?>((c, tx) =>
    {
        if (c.Scalar(tx, "SELECT 1 FROM log_groups WHERE name = $g", ("$g", group)) is null) return LogsError.GroupNotFound();
        return c.Execute(tx, "INSERT OR IGNORE INTO log_streams(group_name, name, created_at) VALUES ($g, $n, $t)",
            ("$g", group), ("$n", name), ("$t", Now)) > 0
            ? null
            : new LogsError(LogsErrorCode.ResourceAlreadyExists, "The specified log stream already exists");
    }, ct);

    public Task<LogsError?> DeleteStreamAsync(string group, string name, CancellationToken ct) => db.WriteAsync<LogsError?>((c, tx) =>
    {
        if (c.Scalar(tx, "SELECT 1 FROM log_groups WHERE name = $g", ("$g", group)) is null) return LogsError.GroupNotFound();
        return c.Execute(tx, "DELETE FROM log_streams WHERE group_name = $g AND name = $n", ("$g", group), ("$n", name)) > 0
            ? null
            : LogsError.StreamNotFound();
    }, ct);

    /// <summary>
    /// Streams of <paramref name="group"/>: by name (keyset on name) or by last event time (keyset on
    /// (last_event_at, name)), ascending or descending. <paramref name="after"/> is the last item of the previous page.
    /// </summary>
    public LogsResult<List<LogStreamInfo>> Streams(string group, string? prefix, bool byLastEventTime, bool descending, (long Time, string Name)? after, int limit) =>
        db.Read<LogsResult<List<LogStreamInfo>>>(c =>
        {
            if (c.Scalar(null, "SELECT 1 FROM log_groups WHERE name = $g", ("$g", group)) is null) return LogsError.GroupNotFound();
            var (cmp, dir) = descending ? ("<", "DESC") : (">", "ASC");
            var where = after is null ? "" : byLastEventTime ? $"AND (COALESCE(last_event_at, 0), name) {cmp} ($at, $an)" : $"AND name {cmp} $an";
            var order = byLastEventTime ? $"COALESCE(last_event_at, 0) {dir}, name {dir}" : $"name {dir}";
            return c.Query(null,
                $"""
                SELECT name, created_at, first_event_at, last_event_at, last_ingestion_at, stored_bytes FROM log_streams
                WHERE group_name = $g AND substr(name, 1, length($p)) = $p {where}
                ORDER BY {order} LIMIT $l
                """,
                MapStream, ("$g", group), ("$p", prefix ?? ""), ("$at", after?.Time ?? 0), ("$an", after?.Name ?? ""), ("$l", limit));
        });

    public Task<LogsError?> PutRetentionAsync(string group, int? days, CancellationToken ct) => db.WriteAsync((c, tx) =>
        c.Execute(tx, "UPDATE log_groups SET retention_days = $d WHERE name = $g", ("$d", days), ("$g", group)) > 0 ? null : LogsError.GroupNotFound(), ct);

    private static LogStreamInfo MapStream(SqliteDataReader r) => new(r.GetString(0), r.GetInt64(1),
        r.IsDBNull(2) ? null : r.GetInt64(2), r.IsDBNull(3) ? null : r.GetInt64(3), r.IsDBNull(4) ? null : r.GetInt64(4), r.GetInt64(5));
}
