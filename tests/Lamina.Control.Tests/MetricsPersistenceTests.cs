using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Lamina.Control.Invoke;
using Lamina.Control.Metrics;
using Lamina.Control.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Lamina.Control.Tests;

/// <summary>
/// Per-minute metrics kept in control.db: fed through the server's <see cref="IInvocationTelemetry"/>, read back
/// through the console's JSON API after a restart; written in batches; pruned after the retention; bounded in memory.
/// </summary>
public sealed class MetricsPersistenceTests
{
    private static InvocationRecord R(string function, DateTimeOffset start, double ms, InvocationOutcome outcome = InvocationOutcome.Success,
        double? init = null, int busy = 1) => new(function, "$LATEST", Guid.NewGuid().ToString(), InvocationType.RequestResponse, start, ms, init, outcome,
            outcome == InvocationOutcome.Success ? null : "Error", busy);

    private static async Task<JsonElement> MetricsAsync(ControlTestHost t, string function, int minutes)
    {
        using var http = new HttpClient { BaseAddress = t.Host.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{t.Host.Credentials.AccessKeyId}:{t.Host.Credentials.SecretAccessKey}")));
        using var response = await http.GetAsync($"/lamina/api/v1/functions/{function}/metrics?minutes={minutes}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement;
    }

    [Fact]
    public async Task Minutes_survive_a_restart_and_the_console_api_shows_them()
    {
        await using var t = await ControlTestHost.StartAsync();
        var telemetry = t.Host.Services.GetRequiredService<IInvocationTelemetry>();
        var now = DateTimeOffset.UtcNow;
        var earlier = now.AddMinutes(-5);
        // In time order, as the scheduler reports them.
        for (var i = 0; i < 4; i++) telemetry.Record(R("kept", earlier, 100));
        for (var i = 1; i <= 20; i++) telemetry.Record(R("kept", now, i, init: i == 1 ? 150 : null, busy: i == 7 ? 3 : 1));
        telemetry.Record(R("kept", now, 40, InvocationOutcome.FunctionError));
        telemetry.Record(R("kept", now, 0, InvocationOutcome.Throttled));
        var before = await MetricsAsync(t, "kept", 10);

        await t.RestartAsync();
        var after = await MetricsAsync(t, "kept", 10);

        var summary = after.GetProperty("summary");
        Assert.Equal(25, summary.GetProperty("invocations").GetInt64());
        Assert.Equal(1, summary.GetProperty("errors").GetInt64());
        Assert.Equal(1, summary.GetProperty("throttles").GetInt64());
        Assert.Equal(1, summary.GetProperty("coldStarts").GetInt64());
        Assert.Equal(150, summary.GetProperty("initDurationAvgMs").GetDouble());
        Assert.Equal(3, summary.GetProperty("maxConcurrency").GetInt32());
        Assert.Equal(100, summary.GetProperty("durationMaxMs").GetDouble());
        // Fewer samples than a row keeps: every minute is exactly what it was before the restart (compared by
        // minute: the window may have moved on by one minute in between).
        Assert.Equal(NonEmpty(before), NonEmpty(after));
        Assert.Equal(WithoutTime(before.GetProperty("summary")), WithoutTime(summary)); // "time" is the window's start
        var points = after.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(4, points.Single(p => p.GetProperty("time").GetString() == Minute(earlier)).GetProperty("invocations").GetInt64());

        // Records after the restart join the restored minute instead of replacing it.
        t.Host.Services.GetRequiredService<IInvocationTelemetry>().Record(R("kept", now, 1));
        Assert.Equal(26, (await MetricsAsync(t, "kept", 10)).GetProperty("summary").GetProperty("invocations").GetInt64());
    }

    [Fact]
    public async Task Changed_minutes_are_written_in_batches_while_the_server_runs_and_a_row_is_replaced_not_duplicated()
    {
        var options = new MetricsPersistenceOptions { FlushInterval = TimeSpan.FromMilliseconds(200) };
        await using var t = await ControlTestHost.StartAsync(configure: s => s.AddSingleton(options));
        var telemetry = t.Host.Services.GetRequiredService<IInvocationTelemetry>();
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < 3; i++) telemetry.Record(R("batched", now, 5));
        await WaitForRowAsync(t.DataDir, "batched", 3);
        for (var i = 0; i < 2; i++) telemetry.Record(R("batched", now, 5));
        await WaitForRowAsync(t.DataDir, "batched", 5);
        Assert.Equal(1L, Scalar(t.DataDir, "SELECT count(*) FROM metric_minutes WHERE function_name = 'batched'"));
    }

    [Fact]
    public async Task Rows_past_the_retention_are_pruned_and_a_saturated_minute_is_stored_as_a_bounded_sample()
    {
        var dir = Directory.CreateTempSubdirectory("lamina-metrics-").FullName;
        try
        {
            using var db = new ControlDatabase(Path.Combine(dir, "control.db"));
            var store = new MetricsStore(db);
            var bucket = new MinuteBucket(1000);
            for (var i = 1; i <= 10_000; i++) bucket.Add(R("f", DateTimeOffset.FromUnixTimeSeconds(60_000), i % 1000));
            Assert.Equal(MinuteBucket.MaxSamples, bucket.Durations.Count);
            var row = bucket.ToRow("f", MetricsStore.MaxSamples);
            Assert.Equal(MetricsStore.MaxSamples, row.Durations.Count);
            await store.SaveAsync([row, row with { Minute = 10 }, row with { FunctionName = "g", Minute = 999 }], CancellationToken.None);

            Assert.Equal(2, await store.PruneAsync(1000, CancellationToken.None));
            var loaded = Assert.Single(store.Load(0));
            Assert.Equal(("f", 1000L, 10_000L), (loaded.FunctionName, loaded.Minute, loaded.Invocations));
            Assert.Equal(row.Durations, loaded.Durations);
            // The reduced sample keeps the distribution: its median within a few ms of the full sample's.
            var full = MetricPoint.From([bucket], 1000);
            var reduced = MetricPoint.From([MinuteBucket.FromRow(loaded)], 1000);
            Assert.InRange(reduced.DurationP50Ms!.Value, full.DurationP50Ms!.Value - 10, full.DurationP50Ms.Value + 10);
            Assert.Equal(full.DurationMaxMs, reduced.DurationMaxMs);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_function_keeps_at_most_a_day_of_minutes_in_memory_however_long_it_runs()
    {
        var f = new FunctionMetrics("long");
        var start = DateTimeOffset.FromUnixTimeSeconds(60 * 1_000_000);
        for (var m = 0; m < FunctionMetrics.RetainedMinutes + 500; m++) f.Add(R("long", start.AddMinutes(m), 1));
        var last = start.AddMinutes(FunctionMetrics.RetainedMinutes + 499).ToUnixTimeSeconds() / 60;
        var series = f.Series(last - FunctionMetrics.RetainedMinutes - 499, last);
        Assert.Equal(FunctionMetrics.RetainedMinutes, series.Count(p => p.Invocations == 1));
        Assert.Equal(FunctionMetrics.RetainedMinutes, f.TakeDirty(MetricsStore.MaxSamples).Count);
        Assert.Empty(f.TakeDirty(MetricsStore.MaxSamples));
    }

    [Fact]
    public void Functions_with_no_minute_in_the_last_day_are_dropped_from_memory_once_written()
    {
        var metrics = new InvocationMetrics(TimeProvider.System);
        var now = DateTimeOffset.UtcNow;
        metrics.Record(R("deleted-long-ago", now.AddDays(-2), 1));
        metrics.Record(R("busy", now.AddDays(-2), 1));
        metrics.Record(R("busy", now, 1));
        // Not before its minute is written: dropping it would lose the row.
        Assert.Equal(0, metrics.DropIdle());
        foreach (var f in metrics.All()) f.TakeDirty(MetricsStore.MaxSamples);
        Assert.Equal(1, metrics.DropIdle());
        Assert.Null(metrics.Function("deleted-long-ago"));
        Assert.Equal(1, metrics.Function("busy")!.Window(metrics.NowMinute - 1, metrics.NowMinute).Invocations);

        // A deleted function goes once its minutes are written and it has been quiet longer than any invocation
        // (a late record would otherwise start a new, partial row for a minute already written).
        metrics.Record(R("deleted-recently", now.AddMinutes(-InvocationMetrics.DeletedQuietMinutes), 1));
        metrics.Record(R("deleted-now", now, 1));
        Func<IReadOnlyCollection<string>, IReadOnlySet<string>> deleted = names => names.Where(n => n.StartsWith("deleted", StringComparison.Ordinal)).ToHashSet();
        Assert.Equal(0, metrics.DropIdle(deleted));
        foreach (var f in metrics.All()) f.TakeDirty(MetricsStore.MaxSamples);
        Assert.Equal(1, metrics.DropIdle(deleted));
        Assert.Null(metrics.Function("deleted-recently"));
        Assert.NotNull(metrics.Function("deleted-now"));
        Assert.NotNull(metrics.Function("busy"));
    }

    private static List<string> NonEmpty(JsonElement metrics) => [.. metrics.GetProperty("points").EnumerateArray()
        .Where(p => p.GetProperty("invocations").GetInt64() + p.GetProperty("throttles").GetInt64() > 0).Select(p => p.ToString())];

    /// <summary>A summary's figures without its "time" (the window's start, which moves when a minute ends between two reads).</summary>
    private static string WithoutTime(JsonElement summary) =>
        string.Join(",", summary.EnumerateObject().Where(p => p.Name != "time").Select(p => p.Name + "=" + p.Value));

    private static string Minute(DateTimeOffset t) =>
        DateTimeOffset.FromUnixTimeSeconds(t.ToUnixTimeSeconds() / 60 * 60).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static long Scalar(string dataDir, string sql)
    {
        using var c = new SqliteConnection($"Data Source={Path.Combine(dataDir, "control.db")};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Polls control.db (generous deadline) until the function's row counts <paramref name="invocations"/>.</summary>
    private static async Task WaitForRowAsync(string dataDir, string function, long invocations)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        long seen = -1;
        while (DateTime.UtcNow < deadline)
        {
            seen = Scalar(dataDir, $"SELECT coalesce(sum(invocations), -1) FROM metric_minutes WHERE function_name = '{function}'");
            if (seen == invocations) return;
            await Task.Delay(100);
        }
        Assert.Fail($"control.db still counts {seen} invocations of {function}, expected {invocations}");
    }
}
