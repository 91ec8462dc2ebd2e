using System.Net;
using System.Text.Json;

namespace Lamina.Agent.Tests.Extensions;

/// <summary>Telemetry and Logs API delivery: function and extension log records, TCP destinations, validation.</summary>
public sealed partial class ExtensionsApiTests
{
    private static string TypeOf(JsonElement record) => record.GetProperty("type").GetString()!;

    [Fact]
    public async Task Function_and_extension_output_reaches_subscribers_as_records_and_the_log_keeps_its_order()
    {
        await using var agent = await StartAsync(env: new() { ["EXT_TYPES"] = "platform,function,extension" });

        using var response = await agent.InvokeAsync("""{"n":1}""");
        var id = response.Headers.GetValues("X-Amzn-RequestId").Single();

        var line = await WaitForTelemetryAsync(r => TypeOf(r) == "function" && r.GetProperty("record").GetString() == $"handling {id} echo");
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", line.GetProperty("time").GetString()!);
        // Printed by the runtime during init, before the extension's subscription: replayed from the init backlog.
        await WaitForTelemetryAsync(r => TypeOf(r) == "function" && r.GetProperty("record").GetString() == "runtime init ");
        await WaitForTelemetryAsync(r => TypeOf(r) == "extension" && r.GetProperty("record").GetString() == "extension registered 200");
        // The output still reaches the function's log, and what the runtime wrote before answering comes before END.
        await agent.WaitForStdoutAsync(l => l == "END RequestId: " + id);
        var stdout = agent.Stdout.ToList();
        Assert.True(stdout.IndexOf($"handling {id} echo") < stdout.IndexOf("END RequestId: " + id), string.Join('\n', stdout));
    }

    [Fact]
    public async Task A_TCP_destination_gets_newline_delimited_records()
    {
        await using var agent = await StartAsync(env: new() { ["EXT_PROTOCOL"] = "TCP" });

        using var response = await agent.InvokeAsync("{}");
        var id = response.Headers.GetValues("X-Amzn-RequestId").Single();

        var report = await WaitForTelemetryAsync(r => TypeOf(r) == "platform.report" && r.GetProperty("record").GetProperty("requestId").GetString() == id);
        Assert.Equal("success", report.GetProperty("record").GetProperty("status").GetString());
        Assert.Equal(200, Events().First(e => e.TryGetProperty("telemetry", out _)).GetProperty("telemetry").GetInt32());
    }

    [Fact]
    public async Task The_Logs_API_delivers_its_older_record_shapes_and_refuses_the_other_API_afterwards()
    {
        await using var agent = await StartAsync(env: new() { ["EXT_API"] = "logs" });

        using var response = await agent.InvokeAsync("{}");
        var id = response.Headers.GetValues("X-Amzn-RequestId").Single();

        var end = await WaitForTelemetryAsync(r => TypeOf(r) == "platform.end" && r.GetProperty("record").GetProperty("requestId").GetString() == id);
        var report = await WaitForTelemetryAsync(r => TypeOf(r) == "platform.report" && r.GetProperty("record").GetProperty("requestId").GetString() == id);
        var line = await WaitForTelemetryAsync(r => TypeOf(r) == "function" && r.GetProperty("record").GetString()!.StartsWith("handling " + id, StringComparison.Ordinal));
        Assert.False(report.GetProperty("record").TryGetProperty("status", out _));
        Assert.True(report.GetProperty("record").GetProperty("metrics").GetProperty("billedDurationMs").GetInt64() >= 1);
        Assert.EndsWith("\n", line.GetProperty("record").GetString(), StringComparison.Ordinal);
        await WaitForTelemetryAsync(r => TypeOf(r) == "platform.logsSubscription");
        Assert.DoesNotContain(Batches(), r => TypeOf(r).StartsWith("platform.init", StringComparison.Ordinal));
        var other = Events().First(e => e.TryGetProperty("other_api", out _));
        Assert.Equal(400, other.GetProperty("other_api").GetInt32());
        Assert.Equal("ValidationError", other.GetProperty("body").GetProperty("errorType").GetString());
        Assert.NotNull(end.GetProperty("time").GetString());
    }

    [Fact]
    public async Task Invalid_subscriptions_get_400_ValidationError_and_the_extension_still_subscribes()
    {
        const string Uri = "http://sandbox.localdomain:9/t";
        var bad = new Dictionary<string, object>
        {
            ["maxItems"] = new { schemaVersion = "2022-12-13", types = new[] { "platform" }, destination = new { protocol = "HTTP", URI = Uri }, buffering = new { maxItems = 999 } },
            ["maxBytes"] = new { schemaVersion = "2022-12-13", types = new[] { "platform" }, destination = new { protocol = "HTTP", URI = Uri }, buffering = new { maxBytes = 2_000_000 } },
            ["timeoutMs"] = new { schemaVersion = "2022-12-13", types = new[] { "platform" }, destination = new { protocol = "HTTP", URI = Uri }, buffering = new { timeoutMs = 24 } },
            ["type"] = new { schemaVersion = "2022-12-13", types = new[] { "everything" }, destination = new { protocol = "HTTP", URI = Uri } },
            ["protocol"] = new { schemaVersion = "2022-12-13", types = new[] { "platform" }, destination = new { protocol = "UDP", URI = Uri } },
            ["remote"] = new { schemaVersion = "2022-12-13", types = new[] { "platform" }, destination = new { protocol = "HTTP", URI = "http://example.com:80/" } },
            ["schema"] = new { schemaVersion = "1999-01-01", types = new[] { "platform" }, destination = new { protocol = "HTTP", URI = Uri } },
        };
        await using var agent = await StartAsync(env: new() { ["EXT_BAD_SUBSCRIPTIONS"] = JsonSerializer.Serialize(bad) });

        using var response = await agent.InvokeAsync("{}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await WaitForTelemetryAsync(r => TypeOf(r) == "platform.report");

        var answers = Events().Where(e => e.TryGetProperty("bad", out _)).ToList();
        Assert.Equal(bad.Keys.Order(), answers.Select(a => a.GetProperty("bad").GetString()!).Order());
        Assert.All(answers, a =>
        {
            Assert.Equal(400, a.GetProperty("status").GetInt32());
            Assert.Equal("ValidationError", a.GetProperty("body").GetProperty("errorType").GetString());
            Assert.False(string.IsNullOrEmpty(a.GetProperty("body").GetProperty("errorMessage").GetString()));
        });
        Assert.Contains("10000", answers.Single(a => a.GetProperty("bad").GetString() == "maxItems").GetProperty("body").GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
    }

    private IEnumerable<JsonElement> Batches() => Events()
        .Where(e => e.TryGetProperty("telemetry_batch", out _))
        .SelectMany(e => e.GetProperty("telemetry_batch").EnumerateArray());
}
