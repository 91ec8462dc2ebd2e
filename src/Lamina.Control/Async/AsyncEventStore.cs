using Lamina.Control.Domain;
using Lamina.Control.Invoke;
using Lamina.Control.Storage;
using Microsoft.Data.Sqlite;

namespace Lamina.Control.Async;

/// <summary>The queue's persistence in <see cref="AsyncDatabase"/>: every change is one committed transaction.</summary>
public sealed class AsyncEventStore(AsyncDatabase db, TimeProvider time)
{
    private const string Columns = "id, request_id, qualifier, invoked_arn, config, payload, client_context, enqueued_at, retries, invoke_count, traceparent";

    /// <summary>
    /// Stores an accepted event, due now; returns once it is durable (fsynced). The current span's W3C id (the Invoke
    /// API span, when traced) is stored with it as the parent of the runs' spans.
    /// </summary>
    public Task AddAsync(InvokeRequest request, string? qualifier, CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return db.WriteAsync((c, tx) => c.Execute(tx,
            """
            INSERT INTO events(request_id, function_name, qualifier, invoked_arn, config, payload, client_context, enqueued_at, due_at, traceparent)
            VALUES ($r, $f, $q, $a, $c, $p, $x, $t, $t, $tp)
            """,
            ("$tp", Diagnostics.InvokeTracing.CurrentTraceParent()),
            ("$r", request.RequestId), ("$f", request.Function.FunctionName), ("$q", qualifier ?? ""), ("$a", request.InvokedFunctionArn),
            ("$c", ControlJson.WriteConfig(request.Function)), ("$p", request.Payload.ToArray()), ("$x", request.ClientContext), ("$t", now)), ct);
    }

    /// <summary>Clears every claim: events that were running when the server stopped run again (at least once).</summary>
    public Task<int> ReleaseAllClaimsAsync(CancellationToken ct) =>
        db.WriteAsync((c, tx) => c.Execute(tx, "UPDATE events SET claimed = 0 WHERE claimed = 1"), ct);

    /// <summary>Claims up to <paramref name="limit"/> due events, oldest due first.</summary>
    public Task<List<AsyncEvent>> ClaimDueAsync(int limit, CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return db.WriteAsync((c, tx) =>
        {
            var due = c.Query(tx, $"SELECT {Columns} FROM events WHERE claimed = 0 AND due_at <= $n ORDER BY due_at, id LIMIT $l",
                Map, ("$n", now), ("$l", limit));
            foreach (var e in due) c.Execute(tx, "UPDATE events SET claimed = 1 WHERE id = $i", ("$i", e.Id));
            return due;
        }, ct);
    }

    /// <summary>When the next unclaimed event falls due; null when none waits.</summary>
    public DateTimeOffset? NextDue() => db.Read(c =>
        c.Scalar(null, "SELECT MIN(due_at) FROM events WHERE claimed = 0") is long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : (DateTimeOffset?)null);

    /// <summary>Puts a claimed event back, due at <paramref name="due"/>, with its new counters.</summary>
    public Task RescheduleAsync(long id, DateTimeOffset due, int retries, int invokeCount, CancellationToken ct) =>
        db.WriteAsync((c, tx) => c.Execute(tx, "UPDATE events SET claimed = 0, due_at = $d, retries = $r, invoke_count = $c WHERE id = $i",
            ("$d", due.ToUnixTimeMilliseconds()), ("$r", retries), ("$c", invokeCount), ("$i", id)), ct);

    /// <summary>Removes a finished event.</summary>
    public Task DeleteAsync(long id, CancellationToken ct) =>
        db.WriteAsync((c, tx) => c.Execute(tx, "DELETE FROM events WHERE id = $i", ("$i", id)), ct);

    /// <summary>Events waiting or running.</summary>
    public long Count() => db.Read(c => (long)c.Scalar(null, "SELECT COUNT(*) FROM events")!);

    private static AsyncEvent Map(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2) is { Length: > 0 } q ? q : null, r.GetString(3),
        ControlJson.Read<FunctionConfig>(r.GetString(4)), (byte[])r.GetValue(5), r.IsDBNull(6) ? null : r.GetString(6),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(7)), r.GetInt32(8), r.GetInt32(9))
    {
        TraceParent = r.IsDBNull(10) ? null : r.GetString(10),
    };
}
