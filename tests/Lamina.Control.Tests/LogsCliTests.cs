using System.Diagnostics;
using System.Text.Json;

namespace Lamina.Control.Tests;

/// <summary>The CloudWatch Logs API with the real AWS CLI v2 and the pip CLI v1: describe, get, filter, tail and tail --follow.</summary>
public sealed class LogsCliTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Function_output_is_readable_with_describe_get_filter_and_tail(bool v1)
    {
        await using var t = await ControlTestHost.StartAsync();
        var now = DateTimeOffset.UtcNow;
        var (a, b) = (LogsTestSupport.Stream(now, 1), LogsTestSupport.Stream(now, 2));
        await LogsTestSupport.AppendAsync(t, "f", a, now.AddMinutes(-10),
            "START RequestId: r1 Version: $LATEST", "hello from A", "ERROR something failed", "END RequestId: r1");
        await LogsTestSupport.AppendAsync(t, "f", b, now.AddMinutes(-5), "START RequestId: r2 Version: $LATEST", "hello from B");

        var groups = await LogsTestSupport.LogsJsonAsync(t, v1, "describe-log-groups", "--log-group-name-prefix", "/aws/lambda/");
        Assert.Equal(["/aws/lambda/f"], groups.GetProperty("logGroups").EnumerateArray().Select(g => g.GetProperty("logGroupName").GetString()));

        var streams = await LogsTestSupport.LogsJsonAsync(t, v1, "describe-log-streams", "--log-group-name", "/aws/lambda/f",
            "--order-by", "LastEventTime", "--descending");
        Assert.Equal([b, a], streams.GetProperty("logStreams").EnumerateArray().Select(s => s.GetProperty("logStreamName").GetString()));
        var first = streams.GetProperty("logStreams")[1];
        Assert.Equal(now.AddMinutes(-10).ToUnixTimeMilliseconds(), first.GetProperty("firstEventTimestamp").GetInt64());
        Assert.True(first.GetProperty("storedBytes").GetInt64() > 0);

        var got = await LogsTestSupport.LogsJsonAsync(t, v1, "get-log-events", "--log-group-name", "/aws/lambda/f", "--log-stream-name", a, "--start-from-head");
        Assert.Equal(["START RequestId: r1 Version: $LATEST", "hello from A", "ERROR something failed", "END RequestId: r1"],
            got.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("message").GetString()));

        var errors = await LogsTestSupport.LogsJsonAsync(t, v1, "filter-log-events", "--log-group-name", "/aws/lambda/f", "--filter-pattern", "ERROR");
        var only = Assert.Single(errors.GetProperty("events").EnumerateArray());
        Assert.Equal(a, only.GetProperty("logStreamName").GetString());
        var phrase = await LogsTestSupport.LogsJsonAsync(t, v1, "filter-log-events", "--log-group-name", "/aws/lambda/f",
            "--filter-pattern", "\"hello from\"", "--start-time", now.AddMinutes(-7).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(["hello from B"], phrase.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("message").GetString()));

        if (v1) return; // `logs tail` exists in CLI v2 only
        var tail = await LogsTestSupport.LogsAsync(t, v1, "tail", "/aws/lambda/f", "--since", "1h");
        Assert.True(tail.ExitCode == 0, tail.ToString());
        var lines = tail.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(6, lines.Length);
        Assert.Contains(a, lines[0]);
        Assert.EndsWith("hello from B", lines[5]);
    }

    [Fact]
    public async Task Tail_follow_prints_events_appended_after_it_started()
    {
        await using var t = await ControlTestHost.StartAsync();
        var stream = LogsTestSupport.Stream(DateTimeOffset.UtcNow, 7);
        await LogsTestSupport.AppendAsync(t, "g", stream, DateTimeOffset.UtcNow, "before follow");

        var start = new ProcessStartInfo(ControlTestHost.CliV2) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--endpoint-url", t.Endpoint, "logs", "tail", "/aws/lambda/g", "--follow", "--since", "10m", "--format", "short" })
            start.ArgumentList.Add(arg);
        foreach (var (k, v) in t.AwsEnv()) start.Environment[k] = v;
        using var tail = Process.Start(start)!;
        var lines = new List<string>();
        var stderr = tail.StandardError.ReadToEndAsync();
        var reader = Task.Run(async () =>
        {
            while (await tail.StandardOutput.ReadLineAsync() is { } line) lock (lines) lines.Add(line);
        });
        try
        {
            await WaitForLineAsync(lines, "before follow", tail, stderr);
            await LogsTestSupport.AppendAsync(t, "g", stream, DateTimeOffset.UtcNow, "after follow 1", "after follow 2");
            await WaitForLineAsync(lines, "after follow 2", tail, stderr);
            lock (lines)
            {
                Assert.Single(lines, l => l.EndsWith("before follow", StringComparison.Ordinal));
                Assert.Single(lines, l => l.EndsWith("after follow 1", StringComparison.Ordinal));
            }
        }
        finally
        {
            tail.Kill(entireProcessTree: true);
            await tail.WaitForExitAsync();
        }
    }

    private static async Task WaitForLineAsync(List<string> lines, string suffix, Process tail, Task<string> stderr)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            lock (lines)
            {
                if (lines.Any(l => l.EndsWith(suffix, StringComparison.Ordinal))) return;
            }
            if (tail.HasExited) Assert.Fail($"aws logs tail exited {tail.ExitCode}: {await stderr}");
            Assert.True(DateTime.UtcNow < deadline, $"'{suffix}' not printed by aws logs tail --follow within 90 s");
            await Task.Delay(200);
        }
    }
}
