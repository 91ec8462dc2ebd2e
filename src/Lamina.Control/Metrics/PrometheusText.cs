using System.Globalization;
using System.Text;

namespace Lamina.Control.Metrics;

/// <summary>
/// Renders the metrics in the Prometheus text exposition format (version 0.0.4). Counters are totals since
/// the server started; duration quantiles cover the last <see cref="QuantileWindowMinutes"/> minutes;
/// the concurrency gauge is the most environments busy at once in the current and previous minute.
/// </summary>
public static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";
    public const int QuantileWindowMinutes = 5;

    /// <summary>Server-wide values appended after the per-function families.</summary>
    public sealed record ServerGauges(long AsyncEventsPending, long LogBatchesDropped, long LogEventsWritten);

    public static string Render(InvocationMetrics metrics, ServerGauges server)
    {
        var now = metrics.NowMinute;
        var functions = metrics.All().Select(f => (f.Name, Totals: f.Totals.Copy(), Recent: f.Window(now - QuantileWindowMinutes + 1, now),
            Busy: f.Window(now - 1, now).MaxConcurrency)).ToList();
        var s = new StringBuilder();
        Family(s, "lamina_invocations_total", "counter", "Invocations that ran, by outcome (success, function_error, platform_error).");
        foreach (var f in functions)
        {
            Line(s, "lamina_invocations_total", f.Name, f.Totals.Success, ("outcome", "success"));
            Line(s, "lamina_invocations_total", f.Name, f.Totals.FunctionErrors, ("outcome", "function_error"));
            Line(s, "lamina_invocations_total", f.Name, f.Totals.PlatformErrors, ("outcome", "platform_error"));
        }
        Family(s, "lamina_throttles_total", "counter", "Invocations refused with 429 TooManyRequestsException.");
        foreach (var f in functions) Line(s, "lamina_throttles_total", f.Name, f.Totals.Throttles);
        Family(s, "lamina_cold_starts_total", "counter", "Invocations that started a new execution environment.");
        foreach (var f in functions) Line(s, "lamina_cold_starts_total", f.Name, f.Totals.ColdStarts);
        Family(s, "lamina_init_duration_milliseconds", "summary", "Init duration of cold starts.");
        foreach (var f in functions)
        {
            Line(s, "lamina_init_duration_milliseconds_sum", f.Name, f.Totals.InitDurationSumMs);
            Line(s, "lamina_init_duration_milliseconds_count", f.Name, f.Totals.ColdStarts);
        }
        Family(s, "lamina_invocation_duration_milliseconds", "summary", $"Time in the function; quantiles over the last {QuantileWindowMinutes} minutes.");
        foreach (var f in functions)
        {
            foreach (var (q, v) in new[] { ("0.5", f.Recent.DurationP50Ms), ("0.9", f.Recent.DurationP90Ms), ("0.99", f.Recent.DurationP99Ms) })
                Line(s, "lamina_invocation_duration_milliseconds", f.Name, v ?? double.NaN, ("quantile", q));
            Line(s, "lamina_invocation_duration_milliseconds_sum", f.Name, f.Totals.DurationSumMs);
            Line(s, "lamina_invocation_duration_milliseconds_count", f.Name, f.Totals.DurationCount);
        }
        Family(s, "lamina_concurrent_executions", "gauge", "Most execution environments busy at once in the current and previous minute.");
        foreach (var f in functions) Line(s, "lamina_concurrent_executions", f.Name, f.Busy);
        Family(s, "lamina_async_events_pending", "gauge", "Event invocations stored and not yet finished.");
        s.Append(CultureInfo.InvariantCulture, $"lamina_async_events_pending {server.AsyncEventsPending}\n");
        Family(s, "lamina_log_batches_dropped_total", "counter", "Batches of function output dropped because the log writer fell behind.");
        s.Append(CultureInfo.InvariantCulture, $"lamina_log_batches_dropped_total {server.LogBatchesDropped}\n");
        Family(s, "lamina_log_events_written_total", "counter", "Function log events stored.");
        s.Append(CultureInfo.InvariantCulture, $"lamina_log_events_written_total {server.LogEventsWritten}\n");
        return s.ToString();
    }

    private static void Family(StringBuilder s, string name, string type, string help) =>
        s.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n");

    private static void Line(StringBuilder s, string name, string function, double value, params (string Key, string Value)[] labels)
    {
        s.Append(name).Append("{function=\"").Append(Escape(function)).Append('"');
        foreach (var (k, v) in labels) s.Append(',').Append(k).Append("=\"").Append(Escape(v)).Append('"');
        s.Append("} ").Append(double.IsNaN(value) ? "NaN" : value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
    }

    private static string Escape(string v) => v.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
