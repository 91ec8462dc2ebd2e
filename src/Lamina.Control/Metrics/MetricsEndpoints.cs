using System.Globalization;
using System.Text.Json.Nodes;
using Lamina.Aws;
using Lamina.Control.Async;
using Lamina.Control.Invoke;
using Lamina.Control.Logs;
using Lamina.Control.States;
using Lamina.Control.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Lamina.Control.Metrics;

/// <summary>
/// GET /metrics (Prometheus text) and the console's JSON API:
/// GET /lamina/api/v1/functions/{name}/metrics?minutes=N (per minute, the last 24 h at most) or ?range=1h|24h|7d|15d
/// (buckets of 1, 5, 60 or 180 minutes; beyond 24 h from control.db, <see cref="RangeSeries"/>, cached within the
/// minute for up to 60 s by <see cref="RangeSeriesCache"/>), GET /lamina/api/v1/functions/{name}/invocations?limit=N and
/// GET /lamina/api/v1/functions/{name}/image-pull (how far the pull of $LATEST's image has got; docs/cli.md).
/// Errors are <c>{"error":{"code","message"}}</c> with 400, 401 or 404 (docs/logs.md).
/// </summary>
public static class MetricsEndpoints
{
    public static IEndpointRouteBuilder MapLaminaMetrics(this IEndpointRouteBuilder e)
    {
        var sp = e.ServiceProvider;
        var auth = sp.GetRequiredService<AwsRequestAuthenticator>();
        var metrics = sp.GetRequiredService<InvocationMetrics>();
        var logs = sp.GetRequiredService<LogIngestion>();
        var events = sp.GetRequiredService<AsyncEventStore>();
        var store = sp.GetRequiredService<ControlStore>();
        var minuteStore = sp.GetRequiredService<MetricsStore>();
        var ranges = sp.GetRequiredService<RangeSeriesCache>();
        var pulls = sp.GetService<IImagePullProgress>();
        e.MapGet("/metrics", (HttpContext c) =>
        {
            if (!ApiAccess.Allowed(c, auth)) return Unauthorized();
            var text = PrometheusText.Render(metrics, new PrometheusText.ServerGauges(events.Count(), logs.Dropped, logs.Written));
            return Results.Text(text, PrometheusText.ContentType);
        });
        e.MapGet("/lamina/api/v1/functions/{name}/metrics", (HttpContext c, string name) =>
        {
            if (!ApiAccess.Allowed(c, auth)) return Unauthorized();
            var rangeText = c.Request.Query["range"].ToString();
            var range = rangeText.Length == 0 ? null : MetricRange.Parse(rangeText);
            if (rangeText.Length > 0 && range is null)
                return Error(400, "InvalidParameter", $"range must be one of {string.Join(", ", MetricRange.All.Select(r => r.Name))}");
            if (!Int(c, "minutes", 60, 1, FunctionMetrics.RetainedMinutes, out var minutes)) return Error(400, "InvalidParameter", $"minutes must be an integer from 1 to {FunctionMetrics.RetainedMinutes}");
            var f = metrics.Function(name);
            if (f is null && !store.Read(s => s.Function(name) is not null)) return Error(404, "ResourceNotFound", $"Function not found: {name}");
            var now = metrics.NowMinute;
            if (range is not null)
            {
                // 7d and 15d are served from a cache for up to a minute (RangeSeriesCache states the bound).
                var (summary, series) = ranges.Build(name, f, minuteStore, now, range);
                return Results.Json(new JsonObject
                {
                    ["functionName"] = name,
                    ["range"] = range.Name,
                    ["minutes"] = range.Minutes,
                    ["bucketSeconds"] = range.BucketMinutes * 60,
                    ["summary"] = Point(summary),
                    ["points"] = new JsonArray([.. series.Select(p => (JsonNode)Point(p))]),
                });
            }
            var from = now - minutes + 1;
            var points = f?.Series(from, now) ?? [.. Enumerable.Range(0, minutes).Select(i => MetricPoint.Empty(from + i))];
            return Results.Json(new JsonObject
            {
                ["functionName"] = name,
                ["minutes"] = minutes,
                ["bucketSeconds"] = 60,
                ["summary"] = Point(f?.Window(from, now) ?? MetricPoint.Empty(from)),
                ["points"] = new JsonArray([.. points.Select(p => (JsonNode)Point(p))]),
            });
        });
        e.MapGet("/lamina/api/v1/functions/{name}/invocations", (HttpContext c, string name) =>
        {
            if (!ApiAccess.Allowed(c, auth)) return Unauthorized();
            if (!Int(c, "limit", 50, 1, FunctionMetrics.RecentLimit, out var limit)) return Error(400, "InvalidParameter", $"limit must be an integer from 1 to {FunctionMetrics.RecentLimit}");
            var f = metrics.Function(name);
            if (f is null && !store.Read(s => s.Function(name) is not null)) return Error(404, "ResourceNotFound", $"Function not found: {name}");
            return Results.Json(new JsonObject
            {
                ["functionName"] = name,
                ["invocations"] = new JsonArray([.. (f?.Recent(limit) ?? []).Select(r => (JsonNode)Invocation(r))]),
            });
        });
        e.MapGet("/lamina/api/v1/functions/{name}/image-pull", (HttpContext c, string name) =>
        {
            if (!ApiAccess.Allowed(c, auth)) return Unauthorized();
            var latest = store.Read(s => s.Function(name))?.Latest;
            if (latest is null) return Error(404, "ResourceNotFound", $"Function not found: {name}");
            return Results.Json(new JsonObject
            {
                ["functionName"] = name,
                ["state"] = latest.State.ToString(),
                ["lastUpdateStatus"] = latest.LastUpdateStatus.ToString(),
                ["imageUri"] = latest.ImageUri,
                ["pull"] = pulls?.Status(latest.ImageUri)?.ToJson(),
            });
        });
        return e;
    }

    private static JsonObject Point(MetricPoint p) => new()
    {
        ["time"] = p.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        ["invocations"] = p.Invocations,
        ["errors"] = p.Errors,
        ["throttles"] = p.Throttles,
        ["platformErrors"] = p.PlatformErrors,
        ["coldStarts"] = p.ColdStarts,
        ["initDurationAvgMs"] = p.InitDurationAvgMs,
        ["durationP50Ms"] = p.DurationP50Ms,
        ["durationP90Ms"] = p.DurationP90Ms,
        ["durationP99Ms"] = p.DurationP99Ms,
        ["durationMaxMs"] = p.DurationMaxMs,
        ["maxConcurrency"] = p.MaxConcurrency,
    };

    private static JsonObject Invocation(InvocationRecord r) => new()
    {
        ["requestId"] = r.RequestId,
        ["version"] = r.Version,
        ["type"] = r.Type.ToString(),
        ["start"] = r.Start.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        ["durationMs"] = r.DurationMs,
        ["coldStart"] = r.InitDurationMs is not null,
        ["initDurationMs"] = r.InitDurationMs,
        ["outcome"] = r.Outcome.ToString(),
        ["errorType"] = r.ErrorType,
    };

    private static bool Int(HttpContext c, string name, int fallback, int min, int max, out int value)
    {
        value = fallback;
        var raw = c.Request.Query[name].ToString();
        if (raw.Length == 0) return true;
        return int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
    }

    private static IResult Unauthorized() => Results.Json(Body("Unauthorized",
        "sign the request with SigV4 (service lambda) or send Basic ACCESS_KEY_ID:SECRET_ACCESS_KEY"), statusCode: 401, contentType: null);

    private static IResult Error(int status, string code, string message) => Results.Json(Body(code, message), statusCode: status);

    private static JsonObject Body(string code, string message) => new() { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } };
}
