using System.Buffers.Binary;
using Lamina.Control.Storage;
using Microsoft.Data.Sqlite;

namespace Lamina.Control.Metrics;

/// <summary>
/// control.db's metric_minutes table: one row per function and Unix minute, replaced whole each time the minute
/// is flushed (the in-memory bucket always holds the minute's full state). Durations are stored as a reduced
/// sample (float64 little-endian), so a row stays under <see cref="MaxSamples"/> × 8 bytes.
/// </summary>
public sealed class MetricsStore(ControlDatabase db)
{
    /// <summary>Duration samples kept per persisted minute.</summary>
    public const int MaxSamples = 256;

    private static readonly string[] Parameters = ["$f", "$m", "$i", "$e", "$t", "$p", "$c", "$init", "$conc", "$ran", "$d"];

    /// <summary>Rows from <paramref name="fromMinute"/> on, every function.</summary>
    public List<MinuteRow> Load(long fromMinute) => db.Read(c =>
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            SELECT function_name, minute, invocations, errors, throttles, platform_errors, cold_starts,
                   init_duration_sum_ms, max_concurrency, ran, durations
            FROM metric_minutes WHERE minute >= $from ORDER BY function_name, minute
            """;
        cmd.Parameters.AddWithValue("$from", fromMinute);
        return ReadRows(cmd);
    });

    /// <summary>One function's rows from <paramref name="fromMinute"/> to <paramref name="toMinute"/> inclusive (the metrics API's longer ranges).</summary>
    public List<MinuteRow> LoadFunction(string functionName, long fromMinute, long toMinute) => db.Read(c =>
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            SELECT function_name, minute, invocations, errors, throttles, platform_errors, cold_starts,
                   init_duration_sum_ms, max_concurrency, ran, durations
            FROM metric_minutes WHERE function_name = $f AND minute >= $from AND minute <= $to ORDER BY minute
            """;
        cmd.Parameters.AddWithValue("$f", functionName);
        cmd.Parameters.AddWithValue("$from", fromMinute);
        cmd.Parameters.AddWithValue("$to", toMinute);
        return ReadRows(cmd);
    });

    private static List<MinuteRow> ReadRows(SqliteCommand cmd)
    {
        using var reader = cmd.ExecuteReader();
        var rows = new List<MinuteRow>();
        while (reader.Read())
        {
            var blob = (byte[])reader.GetValue(10);
            var durations = new double[blob.Length / 8];
            for (var i = 0; i < durations.Length; i++) durations[i] = BinaryPrimitives.ReadDoubleLittleEndian(blob.AsSpan(i * 8));
            rows.Add(new MinuteRow(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4),
                reader.GetInt64(5), reader.GetInt64(6), reader.GetDouble(7), reader.GetInt32(8), reader.GetInt64(9), durations));
        }
        return rows;
    }

    /// <summary>Writes <paramref name="rows"/> in one transaction (insert or replace).</summary>
    public Task SaveAsync(IReadOnlyList<MinuteRow> rows, CancellationToken ct) => db.WriteAsync((c, tx) =>
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            INSERT OR REPLACE INTO metric_minutes (function_name, minute, invocations, errors, throttles, platform_errors,
                cold_starts, init_duration_sum_ms, max_concurrency, ran, durations)
            VALUES ($f, $m, $i, $e, $t, $p, $c, $init, $conc, $ran, $d)
            """;
        var p = Parameters.Select(n => cmd.Parameters.Add(new SqliteParameter { ParameterName = n })).ToArray();
        foreach (var r in rows)
        {
            var blob = new byte[r.Durations.Count * 8];
            for (var i = 0; i < r.Durations.Count; i++) BinaryPrimitives.WriteDoubleLittleEndian(blob.AsSpan(i * 8), r.Durations[i]);
            object[] values = [r.FunctionName, r.Minute, r.Invocations, r.Errors, r.Throttles, r.PlatformErrors, r.ColdStarts,
                r.InitDurationSumMs, r.MaxConcurrency, r.Ran, blob];
            for (var i = 0; i < p.Length; i++) p[i].Value = values[i];
            cmd.ExecuteNonQuery();
        }
        return rows.Count;
    }, ct);

    /// <summary>Deletes rows older than <paramref name="beforeMinute"/>; returns how many.</summary>
    public Task<int> PruneAsync(long beforeMinute, CancellationToken ct) => db.WriteAsync((c, tx) =>
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "DELETE FROM metric_minutes WHERE minute < $before";
        cmd.Parameters.AddWithValue("$before", beforeMinute);
        return cmd.ExecuteNonQuery();
    }, ct);
}
