using System.Text.Json;

namespace Lamina.Agent.Tests.Emulator;

/// <summary>AWS_LAMBDA_LOG_FORMAT=JSON (LoggingConfig LogFormat JSON): platform events become AWS's JSON records in the
/// function's log, filtered by LAMINA_SYSTEM_LOG_LEVEL, while the runtime's own lines pass through untouched.</summary>
public sealed class JsonLogFormatTests
{
    private static Task<AgentProcess> StartAsync(string level, Dictionary<string, string>? extra = null)
    {
        var env = new Dictionary<string, string>(extra ?? [])
        {
            ["AWS_LAMBDA_LOG_FORMAT"] = "JSON",
            ["LAMINA_SYSTEM_LOG_LEVEL"] = level,
            ["AWS_LAMBDA_FUNCTION_TIMEOUT"] = "2",
        };
        return AgentProcess.StartPythonAsync(env);
    }

    private static JsonElement? Record(string line)
    {
        if (!line.StartsWith('{'))
        {
            return null;
        }
        return JsonDocument.Parse(line).RootElement;
    }

    private static string TypeOf(string line) => Record(line) is { } r ? r.GetProperty("type").GetString()! : "";

    private static async Task<string> IdOf(Task<HttpResponseMessage> invoke)
    {
        using var response = await invoke;
        return response.Headers.GetValues("X-Amzn-RequestId").Single();
    }

    [Fact]
    public async Task Debug_writes_every_platform_record_in_order_around_the_runtime_text()
    {
        await using var agent = await StartAsync("DEBUG");

        var id = await IdOf(agent.InvokeAsync("""{"action":"context","env":["AWS_LAMBDA_LOG_FORMAT"]}"""));
        await agent.WaitForStdoutAsync(l => TypeOf(l) == "platform.report");
        var lines = agent.Stdout.ToList();
        var types = lines.Select(TypeOf).Where(t => t.Length > 0).ToList();
        Assert.Equal(["platform.initStart", "platform.initRuntimeDone", "platform.initReport", "platform.start", "platform.runtimeDone", "platform.report"], types);
        // The runtime's lines are plain text, between start and runtimeDone; no text platform line is left.
        var handling = lines.FindIndex(l => l == $"handling {id} context");
        Assert.True(handling > lines.FindIndex(l => TypeOf(l) == "platform.start") && handling < lines.FindIndex(l => TypeOf(l) == "platform.runtimeDone"), string.Join('\n', lines));
        Assert.DoesNotContain(lines, l => l.StartsWith("START ", StringComparison.Ordinal) || l.StartsWith("REPORT ", StringComparison.Ordinal) || l.StartsWith("END ", StringComparison.Ordinal));

        var report = Record(lines.Single(l => TypeOf(l) == "platform.report"))!.Value;
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", report.GetProperty("time").GetString()!);
        var record = report.GetProperty("record");
        Assert.Equal(id, record.GetProperty("requestId").GetString());
        Assert.Equal("success", record.GetProperty("status").GetString());
        var metrics = record.GetProperty("metrics");
        Assert.True(metrics.GetProperty("billedDurationMs").GetInt64() >= 1);
        Assert.Equal(3008, metrics.GetProperty("memorySizeMB").GetInt32());
        Assert.True(metrics.GetProperty("initDurationMs").GetDouble() > 0);
        var initStart = Record(lines.First(l => TypeOf(l) == "platform.initStart"))!.Value.GetProperty("record");
        Assert.Equal("function", initStart.GetProperty("functionName").GetString());
        Assert.Equal("$LATEST", initStart.GetProperty("functionVersion").GetString());
    }

    [Fact]
    public async Task The_runtime_sees_the_format_and_a_warm_invoke_has_no_init_duration()
    {
        await using var agent = await StartAsync("INFO");

        await IdOf(agent.InvokeAsync("{}"));
        using var response = await agent.InvokeAsync("""{"action":"context","env":["AWS_LAMBDA_LOG_FORMAT"]}""");
        var id = response.Headers.GetValues("X-Amzn-RequestId").Single();
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("JSON", answer.GetProperty("env").GetProperty("AWS_LAMBDA_LOG_FORMAT").GetString());

        var line = await agent.WaitForStdoutAsync(l => TypeOf(l) == "platform.report" && l.Contains(id, StringComparison.Ordinal));
        Assert.False(Record(line)!.Value.GetProperty("record").GetProperty("metrics").TryGetProperty("initDurationMs", out _));
        // INFO hides the DEBUG records.
        Assert.DoesNotContain(agent.Stdout, l => TypeOf(l) is "platform.runtimeDone" or "platform.initRuntimeDone");
        Assert.Contains(agent.Stdout, l => TypeOf(l) == "platform.initStart");
    }

    [Fact]
    public async Task Timeouts_and_crashes_are_platform_fault_records_and_warn_keeps_only_them()
    {
        await using var agent = await StartAsync("WARN");

        var timedOut = await IdOf(agent.InvokeAsync("""{"action":"sleep","seconds":30}"""));
        var crashed = await IdOf(agent.InvokeAsync("""{"action":"exit","code":3}"""));
        var ok = await IdOf(agent.InvokeAsync("{}"));

        var timeoutLine = await agent.WaitForStdoutAsync(l => TypeOf(l) == "platform.fault" && l.Contains(timedOut, StringComparison.Ordinal));
        Assert.Equal($"RequestId: {timedOut} Error: Task timed out after 2.00 seconds", Record(timeoutLine)!.Value.GetProperty("record").GetString());
        var crashLine = await agent.WaitForStdoutAsync(l => TypeOf(l) == "platform.fault" && l.Contains(crashed, StringComparison.Ordinal));
        Assert.Equal($"RequestId: {crashed} Error: Runtime exited with error: exit status 3", Record(crashLine)!.Value.GetProperty("record").GetString());
        await agent.WaitForStdoutAsync(l => l.StartsWith("handling " + ok, StringComparison.Ordinal));
        // WARN: no start, report or init records at all; the runtime's text still passes.
        Assert.DoesNotContain(agent.Stdout, l => TypeOf(l) is "platform.start" or "platform.report" or "platform.initStart");
        Assert.DoesNotContain(agent.Stdout, l => l.Contains("Task timed out after", StringComparison.Ordinal) && !l.StartsWith('{'));
    }

    [Theory]
    [InlineData("AWS_LAMBDA_LOG_FORMAT", "yaml", "AWS_LAMBDA_LOG_FORMAT must be JSON or Text, got 'yaml'")]
    [InlineData("LAMINA_SYSTEM_LOG_LEVEL", "TRACE", "LAMINA_SYSTEM_LOG_LEVEL must be DEBUG, INFO or WARN, got 'TRACE'")]
    public async Task A_bad_format_or_level_is_refused_at_start(string name, string value, string message)
    {
        await using var agent = await AgentProcess.StartAsync(["true"], new Dictionary<string, string> { [name] = value }, waitForListening: false);

        Assert.Equal(2, await agent.WaitForExitAsync());
        Assert.Contains(agent.Stderr, l => l.Contains(message, StringComparison.Ordinal));
    }
}
