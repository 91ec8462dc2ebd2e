using Lamina.Control.Invoke;
using Lamina.Control.Logs;
using Microsoft.Extensions.DependencyInjection;

namespace Lamina.Control.Tests;

/// <summary>Feeds function output through the server's real <see cref="IInvocationTelemetry"/> and runs `aws logs …`.</summary>
public static class LogsTestSupport
{
    public static Task<ToolRunner.Result> LogsAsync(ControlTestHost t, bool v1, params string[] args) =>
        ToolRunner.RunAsync(v1 ? "aws" : ControlTestHost.CliV2, ["--endpoint-url", t.Endpoint, "--output", "json", "logs", .. args], t.AwsEnv());

    /// <summary>Runs `aws logs …`, asserts it succeeded and parses its JSON output.</summary>
    public static async Task<System.Text.Json.JsonElement> LogsJsonAsync(ControlTestHost t, bool v1, params string[] args)
    {
        var r = await LogsAsync(t, v1, args);
        Assert.True(r.ExitCode == 0, r.ToString());
        return System.Text.Json.JsonDocument.Parse(r.Stdout).RootElement;
    }

    /// <summary>Appends <paramref name="messages"/> (one ms apart from <paramref name="start"/>) and waits until the store holds them.</summary>
    public static Task AppendAsync(ControlTestHost t, string function, string stream, DateTimeOffset start, params string[] messages) =>
        AppendToGroupAsync(t, function, null, stream, start, messages);

    /// <summary><see cref="AppendAsync"/> for a function whose LoggingConfig.LogGroup is <paramref name="group"/> (null: the default).</summary>
    public static async Task AppendToGroupAsync(ControlTestHost t, string function, string? group, string stream, DateTimeOffset start, params string[] messages)
    {
        var store = t.Host.Services.GetRequiredService<LogStore>();
        var before = store.EventCount();
        t.Host.Services.GetRequiredService<IInvocationTelemetry>().AppendLog(new FunctionLogBatch(function, stream,
            [.. messages.Select((m, i) => new FunctionLogEvent(start.AddMilliseconds(i), m))], group));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (store.EventCount() < before + messages.Length)
        {
            Assert.True(DateTime.UtcNow < deadline, "log events were not stored within 60 s");
            await Task.Delay(50);
        }
    }

    /// <summary>A Lambda-style stream name for environment <paramref name="n"/>.</summary>
    public static string Stream(DateTimeOffset day, int n) => $"{day:yyyy/MM/dd}/[$LATEST]{n:D32}";
}
