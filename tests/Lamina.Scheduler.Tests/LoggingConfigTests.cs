using System.Text.Json;
using Lamina.Control.Invoke;
using Lamina.Control.Tests;
using Lamina.Scheduler.Tests.Fixtures;

namespace Lamina.Scheduler.Tests;

/// <summary>LoggingConfig end to end with the real AWS CLIs: JSON format reaches the agent in a real sandbox, whose
/// platform lines become AWS's JSON records in the log, while the function's own lines pass through as text.
/// <c>--logging-config</c> goes through the pip CLI v1 (botocore 1.43): this machine's /usr/bin/aws (v2.9.19)
/// predates the LoggingConfig model; everything else uses v2.</summary>
public sealed class LoggingConfigTests(ExecutionServer server) : IClassFixture<ExecutionServer>
{
    private Task<ToolRunner.Result> CliV1Async(params string[] args) =>
        ToolRunner.RunAsync("aws", ["--endpoint-url", server.Endpoint, "--output", "json", "lambda", .. args], server.AwsEnv());

    [Fact]
    public async Task Json_log_format_writes_platform_records_and_keeps_the_runtime_lines_as_text()
    {
        var created = await CliV1Async("create-function", "--function-name", "echo-json-logs", "--package-type", "Image",
            "--code", $"ImageUri={server.Authority}/sched/echo:v1", "--role", "arn:aws:iam::123456789012:role/lambda-role",
            "--logging-config", "LogFormat=JSON,SystemLogLevel=DEBUG");
        Assert.True(created.ExitCode == 0, created.ToString());
        await server.LambdaAsync(null, "wait", "function-active-v2", "--function-name", "echo-json-logs");
        var got = await CliV1Async("get-function-configuration", "--function-name", "echo-json-logs");
        Assert.True(got.ExitCode == 0, got.ToString());
        var config = JsonDocument.Parse(got.Stdout).RootElement;
        var logging = config.GetProperty("LoggingConfig");
        Assert.Equal("JSON", logging.GetProperty("LogFormat").GetString());
        Assert.Equal("INFO", logging.GetProperty("ApplicationLogLevel").GetString());
        Assert.Equal("DEBUG", logging.GetProperty("SystemLogLevel").GetString());
        Assert.Equal("/aws/lambda/echo-json-logs", logging.GetProperty("LogGroup").GetString());

        var invocation = await server.InvokeAsync("echo-json-logs", """{"a":1}""", tail: true);
        Assert.Equal(200, invocation.StatusCode);
        var lines = invocation.Log!.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var records = lines.Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var types = records.Select(r => r.GetProperty("type").GetString()).ToList();
        Assert.Contains("platform.start", types);
        Assert.Contains("platform.runtimeDone", types);
        Assert.Contains("platform.report", types);
        Assert.DoesNotContain(lines, l => l.StartsWith("START RequestId:", StringComparison.Ordinal) || l.StartsWith("REPORT RequestId:", StringComparison.Ordinal));
        var report = records.Single(r => r.GetProperty("type").GetString() == "platform.report").GetProperty("record");
        Assert.Equal("success", report.GetProperty("status").GetString());
        Assert.True(report.GetProperty("metrics").GetProperty("durationMs").GetDouble() > 0);

        // The cold start is still recognised from the JSON report (init duration on the record).
        var record = Assert.Single(server.Telemetry.RecordsOf("echo-json-logs"));
        Assert.Equal(InvocationOutcome.Success, record.Outcome);
        Assert.NotNull(record.InitDurationMs);
        Assert.Equal(record.RequestId, report.GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task Application_log_level_drops_the_lower_lines_and_a_custom_log_group_receives_the_stream()
    {
        var created = await CliV1Async("create-function", "--function-name", "echo-warn-logs", "--package-type", "Image",
            "--code", $"ImageUri={server.Authority}/sched/echo:v1", "--role", "arn:aws:iam::123456789012:role/lambda-role",
            "--logging-config", "LogFormat=JSON,ApplicationLogLevel=WARN,LogGroup=/custom/group");
        Assert.True(created.ExitCode == 0, created.ToString());
        await server.LambdaAsync(null, "wait", "function-active-v2", "--function-name", "echo-warn-logs");

        var invocation = await server.InvokeAsync("echo-warn-logs", "\"loglevels\"", tail: true);
        Assert.Equal(200, invocation.StatusCode);
        var tail = invocation.Log!.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var stored = server.Telemetry.Batches.Where(b => b.FunctionName == "echo-warn-logs").ToList();
        var lines = stored.SelectMany(b => b.Events).Select(e => e.Message).ToList();

        // WARN and above stay; TRACE/DEBUG/INFO records, the plain line and the runtime's plain stderr (INFO) go.
        foreach (var log in new[] { tail, lines.ToArray() })
        {
            Assert.Contains(log, l => l.Contains("\"at WARN\"", StringComparison.Ordinal));
            Assert.Contains(log, l => l.Contains("\"at ERROR\"", StringComparison.Ordinal));
            Assert.Contains(log, l => l.Contains("\"at FATAL\"", StringComparison.Ordinal));
            Assert.DoesNotContain(log, l => l.Contains("\"at INFO\"", StringComparison.Ordinal) || l.Contains("\"at DEBUG\"", StringComparison.Ordinal)
                || l.Contains("\"at TRACE\"", StringComparison.Ordinal) || l == "plain line" || l.StartsWith("echo-runtime:", StringComparison.Ordinal));
            // Platform records are the system log's, not filtered by the application level.
            Assert.Contains(log, l => l.Contains("\"type\":\"platform.report\"", StringComparison.Ordinal));
        }
        Assert.All(stored, b => Assert.Equal("/custom/group", b.LogGroupName));
        Assert.Equal(InvocationOutcome.Success, Assert.Single(server.Telemetry.RecordsOf("echo-warn-logs")).Outcome);

        // Back to INFO: the INFO record and the plain line come back, DEBUG stays out.
        var updated = await CliV1Async("update-function-configuration", "--function-name", "echo-warn-logs",
            "--logging-config", "LogFormat=JSON,ApplicationLogLevel=INFO");
        Assert.True(updated.ExitCode == 0, updated.ToString());
        await server.LambdaAsync(null, "wait", "function-updated-v2", "--function-name", "echo-warn-logs");
        var info = (await server.InvokeAsync("echo-warn-logs", "\"loglevels\"", tail: true)).Log!.Split('\n');
        Assert.Contains(info, l => l.Contains("\"at INFO\"", StringComparison.Ordinal));
        Assert.Contains("plain line", info);
        Assert.DoesNotContain(info, l => l.Contains("\"at DEBUG\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Log_levels_with_text_format_are_refused_and_change_nothing()
    {
        await server.CreateFunctionAsync("echo-text-logs");
        var refused = await CliV1Async("update-function-configuration", "--function-name", "echo-text-logs",
            "--logging-config", "LogFormat=Text,ApplicationLogLevel=DEBUG");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("InvalidParameterValueException", refused.Stderr);
        Assert.Contains("LogLevel is not supported when LogFormat is set to \"Text\"", refused.Stderr);

        var got = await CliV1Async("get-function-configuration", "--function-name", "echo-text-logs");
        Assert.True(got.ExitCode == 0, got.ToString());
        var config = JsonDocument.Parse(got.Stdout).RootElement;
        var logging = config.GetProperty("LoggingConfig");
        Assert.Equal("Text", logging.GetProperty("LogFormat").GetString());
        Assert.False(logging.TryGetProperty("ApplicationLogLevel", out _));

        // Text stays the plain START/END/REPORT lines.
        var invocation = await server.InvokeAsync("echo-text-logs", "{}", tail: true);
        Assert.Contains("START RequestId:", invocation.Log);
        Assert.Contains("REPORT RequestId:", invocation.Log);
    }
}
