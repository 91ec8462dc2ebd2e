using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Lamina.Control.Invoke;
using Lamina.Control.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Lamina.Control.Tests;

/// <summary>
/// <c>GET /lamina/api/v1/functions/{name}/metrics?range=1h|24h|7d|15d</c>: longer ranges than the 24 hours kept in
/// memory read control.db's minutes, grouped into the range's buckets; an unknown range is refused.
/// </summary>
public sealed class MetricsRangeTests
{
    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(ControlTestHost t, string query)
    {
        using var http = new HttpClient { BaseAddress = t.Host.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{t.Host.Credentials.AccessKeyId}:{t.Host.Credentials.SecretAccessKey}")));
        using var response = await http.GetAsync($"/lamina/api/v1/functions/ranged/metrics?{query}");
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static MinuteRow Row(long minute, long invocations, double durationMs) =>
        new("ranged", minute, invocations, 0, 0, 0, 0, 0, 1, invocations, [.. Enumerable.Repeat(durationMs, (int)invocations)]);

    [Fact]
    public async Task Each_range_has_its_bucket_size_and_reads_older_minutes_from_the_database()
    {
        await using var t = await ControlTestHost.StartAsync();
        var now = DateTimeOffset.UtcNow;
        var nowMinute = now.ToUnixTimeSeconds() / 60;
        t.Host.Services.GetRequiredService<IInvocationTelemetry>().Record(new InvocationRecord(
            "ranged", "$LATEST", Guid.NewGuid().ToString(), InvocationType.RequestResponse, now, 10, null, InvocationOutcome.Success, null, 1));
        var threeDays = nowMinute - 3 * 24 * 60;
        var tenDays = nowMinute - 10 * 24 * 60;
        var twentyDays = nowMinute - 20 * 24 * 60;
        await t.Host.Services.GetRequiredService<MetricsStore>().SaveAsync(
            [Row(threeDays, 7, 300), Row(tenDays, 11, 900), Row(twentyDays, 13, 5)], CancellationToken.None);

        var expected = new Dictionary<string, (int Points, int BucketSeconds, long Invocations, double MaxMs)>
        {
            ["1h"] = (60, 60, 1, 10),
            ["24h"] = (288, 300, 1, 10),
            ["7d"] = (168, 3600, 8, 300),
            ["15d"] = (120, 10800, 19, 900),
        };
        foreach (var (range, want) in expected)
        {
            var (status, body) = await GetAsync(t, "range=" + range);
            Assert.True(status == HttpStatusCode.OK, body.ToString());
            Assert.Equal(range, body.GetProperty("range").GetString());
            Assert.Equal(want.BucketSeconds, body.GetProperty("bucketSeconds").GetInt32());
            var points = body.GetProperty("points").EnumerateArray().ToList();
            Assert.Equal(want.Points, points.Count);
            Assert.Equal(want.Invocations, body.GetProperty("summary").GetProperty("invocations").GetInt64());
            Assert.Equal(want.MaxMs, body.GetProperty("summary").GetProperty("durationMaxMs").GetDouble());
            Assert.Equal(want.Invocations, points.Sum(p => p.GetProperty("invocations").GetInt64()));
            // Points are consecutive buckets; the newest holds the current minute.
            var times = points.Select(p => DateTimeOffset.Parse(p.GetProperty("time").GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.All(times.Zip(times.Skip(1)), pair => Assert.Equal(want.BucketSeconds, (pair.Second - pair.First).TotalSeconds));
            Assert.True(nowMinute * 60 - times[^1].ToUnixTimeSeconds() < want.BucketSeconds, range);
        }

        // The bucket holding the minute three days back has its count and its duration.
        var (_, week) = await GetAsync(t, "range=7d");
        var old = week.GetProperty("points").EnumerateArray().Single(p => p.GetProperty("invocations").GetInt64() == 7);
        Assert.Equal(300, old.GetProperty("durationP50Ms").GetDouble());
    }

    [Fact]
    public async Task Long_ranges_of_busy_minutes_keep_their_percentiles_and_exact_maximum_from_thinned_samples()
    {
        await using var t = await ControlTestHost.StartAsync();
        var nowMinute = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60;
        t.Host.Services.GetRequiredService<IInvocationTelemetry>().Record(new InvocationRecord(
            "ranged", "$LATEST", Guid.NewGuid().ToString(), InvocationType.RequestResponse, DateTimeOffset.UtcNow, 1, null, InvocationOutcome.Success, null, 1));
        // 3000 busy minutes two to four days back, each with 256 stored samples 1..256 ms (sorted, as rows are written).
        var samples = Enumerable.Range(1, 256).Select(i => (double)i).ToArray();
        var rows = Enumerable.Range(0, 3000).Select(i => new MinuteRow("ranged", nowMinute - 2 * 24 * 60 - i, 1000, 0, 0, 0, 0, 0, 1, 1000, samples)).ToList();
        await t.Host.Services.GetRequiredService<MetricsStore>().SaveAsync(rows, CancellationToken.None);

        var (status, week) = await GetAsync(t, "range=7d");
        Assert.True(status == HttpStatusCode.OK, week.ToString());
        var summary = week.GetProperty("summary");
        Assert.Equal(3_000_001, summary.GetProperty("invocations").GetInt64());
        Assert.Equal(256, summary.GetProperty("durationMaxMs").GetDouble());
        // About 1 sample per minute for the summary, spread over the distribution: the quantiles stay within a few ms.
        Assert.InRange(summary.GetProperty("durationP50Ms").GetDouble(), 118, 138);
        Assert.InRange(summary.GetProperty("durationP90Ms").GetDouble(), 220, 242);
        var busy = week.GetProperty("points").EnumerateArray().Where(p => p.GetProperty("invocations").GetInt64() == 60_000).ToList();
        Assert.NotEmpty(busy);
        Assert.All(busy, p =>
        {
            Assert.Equal(256, p.GetProperty("durationMaxMs").GetDouble());
            Assert.InRange(p.GetProperty("durationP50Ms").GetDouble(), 118, 138);
        });
    }

    [Theory]
    [InlineData("range=30d")]
    [InlineData("range=1H")]
    [InlineData("range=%20")]
    public async Task An_unknown_range_is_refused_with_the_ranges_offered(string query)
    {
        await using var t = await ControlTestHost.StartAsync();
        t.Host.Services.GetRequiredService<IInvocationTelemetry>().Record(new InvocationRecord(
            "ranged", "$LATEST", Guid.NewGuid().ToString(), InvocationType.RequestResponse, DateTimeOffset.UtcNow, 10, null, InvocationOutcome.Success, null, 1));
        var (status, body) = await GetAsync(t, query);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("InvalidParameter", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("1h, 24h, 7d, 15d", body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
