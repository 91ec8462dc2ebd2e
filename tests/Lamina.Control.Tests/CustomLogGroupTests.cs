using Lamina.Control.Invoke;
using Lamina.Control.Logs;

namespace Lamina.Control.Tests;

/// <summary>LoggingConfig.LogGroup: a function's streams go to its custom group, where the real CLIs find them;
/// the default group stays /aws/lambda/NAME.</summary>
public sealed class CustomLogGroupTests
{
    [Fact]
    public async Task A_custom_group_receives_the_functions_streams_and_the_default_group_gets_none()
    {
        await using var t = await ControlTestHost.StartAsync();
        var now = DateTimeOffset.UtcNow;
        var stream = LogsTestSupport.Stream(now, 3);
        await LogsTestSupport.AppendToGroupAsync(t, "custom-fn", "/custom/group", stream, now.AddMinutes(-1), "START RequestId: r9 Version: $LATEST", "into the custom group");
        await LogsTestSupport.AppendAsync(t, "other-fn", LogsTestSupport.Stream(now, 4), now.AddMinutes(-1), "into the default group");

        var groups = await LogsTestSupport.LogsJsonAsync(t, false, "describe-log-groups");
        Assert.Equal(["/aws/lambda/other-fn", "/custom/group"],
            groups.GetProperty("logGroups").EnumerateArray().Select(g => g.GetProperty("logGroupName").GetString()).Order(StringComparer.Ordinal));

        var got = await LogsTestSupport.LogsJsonAsync(t, true, "get-log-events", "--log-group-name", "/custom/group", "--log-stream-name", stream, "--start-from-head");
        Assert.Equal(["START RequestId: r9 Version: $LATEST", "into the custom group"],
            got.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("message").GetString()));

        var tail = await LogsTestSupport.LogsAsync(t, false, "tail", "/custom/group", "--since", "1h");
        Assert.True(tail.ExitCode == 0, tail.ToString());
        var lines = tail.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains(stream, lines[1], StringComparison.Ordinal);
        Assert.EndsWith("into the custom group", lines[1], StringComparison.Ordinal);

        var missing = await LogsTestSupport.LogsAsync(t, false, "get-log-events", "--log-group-name", "/aws/lambda/custom-fn", "--log-stream-name", stream);
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("ResourceNotFoundException", missing.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "/aws/lambda/f")]
    [InlineData("/custom/group", "/custom/group")]
    [InlineData("bad group:name*", "/aws/lambda/f")]
    [InlineData("", "/aws/lambda/f")]
    public void A_group_name_the_store_would_refuse_falls_back_to_the_default(string? configured, string expected) =>
        Assert.Equal(expected, LogIngestion.GroupOf(new FunctionLogBatch("f", "s", [], configured)));
}
