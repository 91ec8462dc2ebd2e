using Lamina.Control.Storage;

namespace Lamina.Control.Logs;

/// <summary>Retention (per group, PutRetentionPolicy) and the store-wide size cap.</summary>
public sealed partial class LogStore
{
    /// <summary>
    /// Deletes events older than their group's retention, then the oldest events until the store holds at
    /// most <paramref name="maxStoredBytes"/> (0 = no cap), and recounts stream sizes. Returns the events deleted.
    /// </summary>
    public Task<int> SweepAsync(long maxStoredBytes, CancellationToken ct) => db.WriteAsync((c, tx) =>
    {
        var now = Now;
        var deleted = c.Execute(tx,
            """
            DELETE FROM events WHERE id IN (
                SELECT e.id FROM events e JOIN log_streams s ON s.id = e.stream_id JOIN log_groups g ON g.name = s.group_name
                WHERE g.retention_days IS NOT NULL AND e.timestamp < $now - g.retention_days * 86400000)
            """, ("$now", now));
        var total = (long)c.Scalar(tx, "SELECT COALESCE(SUM(length(CAST(message AS BLOB)) + 26), 0) FROM events")!;
        if (maxStoredBytes > 0 && total > maxStoredBytes)
        {
            // Walk from the oldest event until the excess is covered, then delete up to that point.
            var excess = total - maxStoredBytes;
            var cut = c.Scalar(tx,
                """
                SELECT id FROM (SELECT id, SUM(length(CAST(message AS BLOB)) + 26) OVER (ORDER BY timestamp, id) AS running FROM events)
                WHERE running >= $x ORDER BY running LIMIT 1
                """, ("$x", excess));
            if (cut is long id)
            {
                var ts = (long)c.Scalar(tx, "SELECT timestamp FROM events WHERE id = $i", ("$i", id))!;
                deleted += c.Execute(tx, "DELETE FROM events WHERE (timestamp, id) <= ($t, $i)", ("$t", ts), ("$i", id));
            }
        }
        if (deleted > 0)
        {
            c.Execute(tx,
                """
                UPDATE log_streams SET
                    stored_bytes = COALESCE((SELECT SUM(length(CAST(message AS BLOB)) + 26) FROM events WHERE stream_id = log_streams.id), 0),
                    first_event_at = (SELECT MIN(timestamp) FROM events WHERE stream_id = log_streams.id)
                """);
        }
        return deleted;
    }, ct);

    /// <summary>Number of stored events (tests and diagnostics).</summary>
    public long EventCount() => db.Read(c => (long)c.Scalar(null, "SELECT COUNT(*) FROM events")!);
}
