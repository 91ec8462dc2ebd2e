using System.Text;
using Lamina.Control.Storage;
using Microsoft.Data.Sqlite;

namespace Lamina.Control.Logs;

/// <summary>Event writes and the two read paths: one stream (GetLogEvents) and a whole group (FilterLogEvents).</summary>
public sealed partial class LogStore
{
    /// <summary>Largest number of events one FilterLogEvents call examines before it answers with a nextToken.</summary>
    public const int FilterScanLimit = 10_000;

    /// <summary>
    /// Appends batches in one transaction; with <paramref name="createMissing"/> (function output) the group
    /// and stream are created on first use, otherwise a missing one is an error (PutLogEvents).
    /// </summary>
    public Task<LogsError?> AppendAsync(IReadOnlyList<(string Group, string Stream, IReadOnlyList<NewLogEvent> Events)> batches, bool createMissing, CancellationToken ct) =>
        db.WriteAsync((c, tx) => Append(c, tx, batches, createMissing), e => e is null, ct);

    private LogsError? Append(SqliteConnection c, SqliteTransaction tx, IReadOnlyList<(string Group, string Stream, IReadOnlyList<NewLogEvent> Events)> batches, bool createMissing)
    {
        var now = Now;
        using var insert = c.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = "INSERT INTO events(stream_id, timestamp, ingestion_time, message) VALUES ($s, $t, $i, $m)";
        var (ps, pt, pi, pm) = (insert.Parameters.Add("$s", SqliteType.Integer), insert.Parameters.Add("$t", SqliteType.Integer),
            insert.Parameters.Add("$i", SqliteType.Integer), insert.Parameters.Add("$m", SqliteType.Text));
        foreach (var (group, stream, events) in batches)
        {
            if (createMissing)
            {
                c.Execute(tx, "INSERT OR IGNORE INTO log_groups(name, created_at) VALUES ($g, $t)", ("$g", group), ("$t", now));
                c.Execute(tx, "INSERT OR IGNORE INTO log_streams(group_name, name, created_at) VALUES ($g, $n, $t)", ("$g", group), ("$n", stream), ("$t", now));
            }
            else if (c.Scalar(tx, "SELECT 1 FROM log_groups WHERE name = $g", ("$g", group)) is null)
            {
                return LogsError.GroupNotFound();
            }
            if (c.Scalar(tx, "SELECT id FROM log_streams WHERE group_name = $g AND name = $n", ("$g", group), ("$n", stream)) is not long streamId)
                return LogsError.StreamNotFound();
            if (events.Count == 0) continue;
            long bytes = 0;
            foreach (var e in events)
            {
                (ps.Value, pt.Value, pi.Value, pm.Value) = (streamId, e.Timestamp, now, e.Message);
                insert.ExecuteNonQuery();
                bytes += Encoding.UTF8.GetByteCount(e.Message) + 26; // AWS counts 26 bytes of overhead per event
            }
            c.Execute(tx,
                """
                UPDATE log_streams SET first_event_at = MIN(COALESCE(first_event_at, $lo), $lo), last_event_at = MAX(COALESCE(last_event_at, $hi), $hi),
                    last_ingestion_at = $n, stored_bytes = stored_bytes + $b WHERE id = $s
                """,
                ("$lo", events.Min(e => e.Timestamp)), ("$hi", events.Max(e => e.Timestamp)), ("$n", now), ("$b", bytes), ("$s", streamId));
        }
        return null;
    }

    /// <summary>
    /// GetLogEvents: events of one stream with start ≤ timestamp &lt; end. <paramref name="forwardFrom"/> reads
    /// ascending after a position; <paramref name="backwardFrom"/> reads the <paramref name="limit"/> events before a
    /// position; with neither, <paramref name="fromHead"/> picks the first or the last page.
    /// </summary>
    public LogsResult<LogEventPage> StreamEvents(string group, string stream, long? start, long? end, LogPosition? forwardFrom, LogPosition? backwardFrom, bool fromHead, int limit) =>
        db.Read<LogsResult<LogEventPage>>(c =>
        {
            if (c.Scalar(null, "SELECT 1 FROM log_groups WHERE name = $g", ("$g", group)) is null) return LogsError.GroupNotFound();
            if (c.Scalar(null, "SELECT id FROM log_streams WHERE group_name = $g AND name = $n", ("$g", group), ("$n", stream)) is not long id)
                return LogsError.StreamNotFound();
            var ascending = forwardFrom is not null || (backwardFrom is null && fromHead);
            var anchor = forwardFrom ?? backwardFrom;
            var cmp = anchor is null ? "" : ascending ? "AND (timestamp, id) > ($at, $ai)" : "AND (timestamp, id) < ($at, $ai)";
            var dir = ascending ? "ASC" : "DESC";
            var rows = c.Query(null,
                $"""
                SELECT id, timestamp, ingestion_time, message FROM events
                WHERE stream_id = $s AND timestamp >= $lo AND timestamp < $hi {cmp}
                ORDER BY timestamp {dir}, id {dir} LIMIT $l
                """,
                r => new StoredLogEvent(r.GetInt64(0), stream, r.GetInt64(1), r.GetInt64(2), r.GetString(3)),
                ("$s", id), ("$lo", start ?? long.MinValue), ("$hi", end ?? long.MaxValue), ("$at", anchor?.Timestamp ?? 0), ("$ai", anchor?.Id ?? 0), ("$l", limit));
            if (!ascending) rows.Reverse();
            // An empty page keeps the caller where it was: following nextForwardToken at the end returns the same token.
            var here = anchor ?? new LogPosition(0, 0);
            var next = rows.Count > 0 ? new LogPosition(rows[^1].Timestamp, rows[^1].Id) : here;
            var previous = rows.Count > 0 ? new LogPosition(rows[0].Timestamp, rows[0].Id) : here;
            return new LogEventPage(rows, next, previous);
        });

    /// <summary>
    /// FilterLogEvents: events of the group's streams (all, named, or by prefix) with start ≤ timestamp ≤ end,
    /// interleaved in (timestamp, id) order after <paramref name="after"/>, matching <paramref name="pattern"/>.
    /// Examines at most <see cref="FilterScanLimit"/> events; Next is null once the scan reached the end.
    /// </summary>
    public LogsResult<LogEventPage> FilterEvents(string group, IReadOnlyList<string>? streams, string? streamPrefix, long? start, long? end, FilterPattern pattern, LogPosition? after, int limit) =>
        db.Read<LogsResult<LogEventPage>>(c =>
        {
            if (c.Scalar(null, "SELECT 1 FROM log_groups WHERE name = $g", ("$g", group)) is null) return LogsError.GroupNotFound();
            var names = streams is { Count: > 0 } ? string.Join(",", streams.Select((_, i) => $"$n{i}")) : null;
            var parameters = new List<(string, object?)>
            {
                ("$g", group), ("$p", streamPrefix ?? ""), ("$lo", start ?? long.MinValue), ("$hi", end ?? long.MaxValue),
                ("$at", after?.Timestamp ?? long.MinValue), ("$ai", after?.Id ?? long.MinValue), ("$l", FilterScanLimit),
            };
            if (streams is { Count: > 0 }) parameters.AddRange(streams.Select((s, i) => ($"$n{i}", (object?)s)));
            var scanned = c.Query(null,
                $"""
                SELECT e.id, s.name, e.timestamp, e.ingestion_time, e.message FROM events e JOIN log_streams s ON s.id = e.stream_id
                WHERE s.group_name = $g AND substr(s.name, 1, length($p)) = $p {(names is null ? "" : $"AND s.name IN ({names})")}
                  AND e.timestamp >= $lo AND e.timestamp <= $hi AND (e.timestamp, e.id) > ($at, $ai)
                ORDER BY e.timestamp, e.id LIMIT $l
                """,
                r => new StoredLogEvent(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetString(4)), [.. parameters]);
            var matched = new List<StoredLogEvent>();
            foreach (var e in scanned)
            {
                if (!pattern.Matches(e.Message)) continue;
                matched.Add(e);
                if (matched.Count == limit)
                {
                    // The page is full: the next one starts after its last event (it may turn out empty).
                    return new LogEventPage(matched, new LogPosition(e.Timestamp, e.Id), null);
                }
            }
            var next = scanned.Count == FilterScanLimit ? new LogPosition(scanned[^1].Timestamp, scanned[^1].Id) : (LogPosition?)null;
            return new LogEventPage(matched, next, null);
        });
}
