using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Lamina.Control.Invoke;
using Microsoft.Extensions.DependencyInjection;

namespace Lamina.Control.Tests;

/// <summary>Records fed through the server's <see cref="IInvocationTelemetry"/>, read back from /metrics (parsed) and the console JSON API.</summary>
public sealed class MetricsTests
{
    private static void Feed(ControlTestHost t)
    {
        var telemetry = t.Host.Services.GetRequiredService<IInvocationTelemetry>();
        var now = DateTimeOffset.UtcNow;
        InvocationRecord R(int i, double ms, InvocationOutcome outcome, double? init = null, int busy = 1, string? error = null) =>
            new("m", "$LATEST", $"req-{i}", InvocationType.RequestResponse, now, ms, init, outcome, error, busy);
        for (var i = 1; i <= 100; i++) telemetry.Record(R(i, i, InvocationOutcome.Success, i <= 10 ? 200 : null, busy: i == 42 ? 7 : 1));
        for (var i = 0; i < 5; i++) telemetry.Record(R(200 + i, 50, InvocationOutcome.FunctionError, error: "Runtime.ExitError"));
        telemetry.Record(R(300, 50, InvocationOutcome.PlatformError));
        for (var i = 0; i < 3; i++) telemetry.Record(R(400 + i, 0, InvocationOutcome.Throttled, error: "ConcurrentInvocationLimitExceeded"));
        telemetry.Record(R(500, 7.5, InvocationOutcome.Success, init: 100));
    }

    private static HttpClient Client(ControlTestHost t, string? user = null, string? secret = null)
    {
        var http = new HttpClient { BaseAddress = t.Host.BaseAddress };
        if (user is not null)
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{secret}")));
        return http;
    }

    private static Dictionary<string, double> Parse(string text)
    {
        var samples = new Dictionary<string, double>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith('#')) continue;
            var space = line.LastIndexOf(' ');
            samples.Add(line[..space], double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture));
        }
        return samples;
    }

    [Fact]
    public async Task Prometheus_text_has_the_counts_quantiles_and_gauges_of_the_records()
    {
        await using var t = await ControlTestHost.StartAsync();
        Feed(t);
        using var http = Client(t, t.Host.Credentials.AccessKeyId, t.Host.Credentials.SecretAccessKey);
        using var response = await http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.ToString());
        var m = Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(101, m["lamina_invocations_total{function=\"m\",outcome=\"success\"}"]);
        Assert.Equal(5, m["lamina_invocations_total{function=\"m\",outcome=\"function_error\"}"]);
        Assert.Equal(1, m["lamina_invocations_total{function=\"m\",outcome=\"platform_error\"}"]);
        Assert.Equal(3, m["lamina_throttles_total{function=\"m\"}"]);
        Assert.Equal(11, m["lamina_cold_starts_total{function=\"m\"}"]);
        Assert.Equal(2100, m["lamina_init_duration_milliseconds_sum{function=\"m\"}"]);
        Assert.Equal(11, m["lamina_init_duration_milliseconds_count{function=\"m\"}"]);
        // Samples (107): 1..100 (one of them 50), six more 50s, 7.5. Nearest rank 54 → 50, 97 → 90, 106 → 99.
        Assert.Equal(50, m["lamina_invocation_duration_milliseconds{function=\"m\",quantile=\"0.5\"}"]);
        Assert.Equal(90, m["lamina_invocation_duration_milliseconds{function=\"m\",quantile=\"0.9\"}"]);
        Assert.Equal(99, m["lamina_invocation_duration_milliseconds{function=\"m\",quantile=\"0.99\"}"]);
        Assert.Equal(107, m["lamina_invocation_duration_milliseconds_count{function=\"m\"}"]);
        Assert.Equal(5050 + 300 + 7.5, m["lamina_invocation_duration_milliseconds_sum{function=\"m\"}"]);
        Assert.Equal(7, m["lamina_concurrent_executions{function=\"m\"}"]);
        Assert.Equal(0, m["lamina_async_events_pending"]);
        Assert.Equal(0, m["lamina_log_batches_dropped_total"]);
    }

    [Fact]
    public async Task Metrics_need_the_server_keys_when_auth_is_on()
    {
        await using var t = await ControlTestHost.StartAsync();
        using (var anonymous = Client(t))
        {
            using var r = await anonymous.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
            Assert.Contains("Unauthorized", await r.Content.ReadAsStringAsync());
            using var api = await anonymous.GetAsync("/lamina/api/v1/functions/m/metrics");
            Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        }
        using (var wrong = Client(t, t.Host.Credentials.AccessKeyId, "not-the-secret"))
        {
            using var r = await wrong.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        }

        // SigV4 (service lambda) as botocore signs it.
        var script = Path.Combine(t.DataDir, "sign.py");
        await File.WriteAllTextAsync(script, """
            import sys, urllib.request, botocore.session
            from botocore.auth import SigV4Auth
            from botocore.awsrequest import AWSRequest
            s = botocore.session.get_session()
            req = AWSRequest(method="GET", url=sys.argv[1] + "/metrics")
            SigV4Auth(s.get_credentials(), "lambda", s.get_config_variable("region")).add_auth(req)
            with urllib.request.urlopen(urllib.request.Request(req.url, headers=dict(req.headers))) as r:
                print(r.status, r.read().decode().count("# TYPE"))
            """);
        var signed = await ToolRunner.RunAsync("python3", [script, t.Endpoint], t.AwsEnv());
        Assert.True(signed.ExitCode == 0, signed.ToString());
        Assert.StartsWith("200 ", signed.Stdout.Trim());
    }

    [Fact]
    public async Task Console_json_api_gives_a_series_a_summary_and_recent_invocations()
    {
        await using var t = await ControlTestHost.StartAsync();
        Feed(t);
        using var http = Client(t, t.Host.Credentials.AccessKeyId, t.Host.Credentials.SecretAccessKey);

        var series = JsonDocument.Parse(await http.GetStringAsync("/lamina/api/v1/functions/m/metrics?minutes=5")).RootElement;
        Assert.Equal(5, series.GetProperty("minutes").GetInt32());
        var points = series.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(5, points.Count);
        Assert.Equal(107, points.Sum(p => p.GetProperty("invocations").GetInt64()));
        var times = points.Select(p => DateTimeOffset.Parse(p.GetProperty("time").GetString()!, CultureInfo.InvariantCulture)).ToList();
        Assert.All(times.Zip(times.Skip(1)), pair => Assert.Equal(TimeSpan.FromMinutes(1), pair.Second - pair.First));
        var summary = series.GetProperty("summary");
        Assert.Equal(107, summary.GetProperty("invocations").GetInt64());
        Assert.Equal(5, summary.GetProperty("errors").GetInt64());
        Assert.Equal(3, summary.GetProperty("throttles").GetInt64());
        Assert.Equal(1, summary.GetProperty("platformErrors").GetInt64());
        Assert.Equal(11, summary.GetProperty("coldStarts").GetInt64());
        Assert.Equal(2100.0 / 11, summary.GetProperty("initDurationAvgMs").GetDouble(), 6);
        Assert.Equal(50, summary.GetProperty("durationP50Ms").GetDouble());
        Assert.Equal(99, summary.GetProperty("durationP99Ms").GetDouble());
        Assert.Equal(100, summary.GetProperty("durationMaxMs").GetDouble());
        Assert.Equal(7, summary.GetProperty("maxConcurrency").GetInt32());

        var recent = JsonDocument.Parse(await http.GetStringAsync("/lamina/api/v1/functions/m/invocations?limit=3")).RootElement
            .GetProperty("invocations").EnumerateArray().ToList();
        Assert.Equal(["req-500", "req-402", "req-401"], recent.Select(r => r.GetProperty("requestId").GetString()));
        Assert.True(recent[0].GetProperty("coldStart").GetBoolean());
        Assert.Equal(100, recent[0].GetProperty("initDurationMs").GetDouble());
        Assert.Equal("Throttled", recent[1].GetProperty("outcome").GetString());
        Assert.Equal("ConcurrentInvocationLimitExceeded", recent[1].GetProperty("errorType").GetString());

        foreach (var (path, status) in new[]
        {
            ("/lamina/api/v1/functions/m/metrics?minutes=0", HttpStatusCode.BadRequest),
            ("/lamina/api/v1/functions/m/metrics?minutes=abc", HttpStatusCode.BadRequest),
            ("/lamina/api/v1/functions/m/metrics?minutes=1441", HttpStatusCode.BadRequest),
            ("/lamina/api/v1/functions/m/invocations?limit=0", HttpStatusCode.BadRequest),
            ("/lamina/api/v1/functions/nosuch/metrics", HttpStatusCode.NotFound),
            ("/lamina/api/v1/functions/nosuch/invocations", HttpStatusCode.NotFound),
        })
        {
            using var r = await http.GetAsync(path);
            Assert.Equal(status, r.StatusCode);
            Assert.True(JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("error").TryGetProperty("message", out _), path);
        }
    }
}
