using System.Text.Json;
using Lamina.Control.Async;
using Lamina.Control.Invoke;
using Microsoft.Extensions.DependencyInjection;

namespace Lamina.Control.Tests;

/// <summary>
/// Event invocations through the real AWS CLI v2 against a real server: retries and their backoff, the
/// maximum event age, destinations and their invocation record. The invoker is <see cref="ScriptedInvoker"/>
/// (scripted failures); the retry base delay is 1 s instead of AWS's minute.
/// </summary>
public sealed class AsyncInvokeTests
{
    private static readonly TimeSpan Base = TimeSpan.FromSeconds(1);

    private static async Task<(ControlTestHost Host, ScriptedInvoker Invoker, ShiftableClock Clock)> StartAsync()
    {
        var invoker = new ScriptedInvoker();
        var clock = new ShiftableClock();
        var host = await ControlTestHost.StartAsync(configure: s =>
        {
            s.AddSingleton<TimeProvider>(clock);
            s.AddSingleton<IFunctionInvoker>(invoker);
            s.AddSingleton(new AsyncInvokeOptions { RetryBaseDelay = Base, MaxPlatformRetryDelay = Base, PollInterval = TimeSpan.FromMilliseconds(200) });
        });
        return (host, invoker, clock);
    }

    private static async Task PutConfigAsync(ControlTestHost t, string name, params string[] args)
    {
        var r = await t.LambdaAsync(false, ["put-function-event-invoke-config", "--function-name", name, .. args]);
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    private static JsonElement Record(ScriptedInvoker.Arrival a) => JsonDocument.Parse(a.Payload).RootElement;

    [Fact]
    public async Task Function_errors_retry_twice_with_doubling_backoff_then_the_failure_destination_gets_the_record()
    {
        var (t, invoker, _) = await StartAsync();
        await using var host = t;
        var arns = await AsyncTestFunctions.CreateAsync(t, "f", "dlq", "ok");
        invoker.Scripts["f"] = new ScriptedInvoker.Script(FailFirst: 100);
        await PutConfigAsync(t, "f", "--maximum-retry-attempts", "2",
            "--destination-config", $$$"""{"OnFailure":{"Destination":"{{{arns["dlq"]}}}"},"OnSuccess":{"Destination":"{{{arns["ok"]}}}"}}""");

        await AsyncTestFunctions.InvokeEventAsync(t, "f", """{"order":42}""");
        var all = await invoker.WaitAsync(a => a.Any(x => x.Function == "dlq"), "the failure destination's record");

        var runs = all.Where(a => a.Function == "f").ToList();
        Assert.Equal([1, 2, 3], runs.Select(r => r.Attempt));
        // Each retry waits at least its backoff: base, then twice the base.
        Assert.True(runs[1].At - runs[0].At >= Base * 0.9, $"first retry after {(runs[1].At - runs[0].At).TotalMilliseconds} ms");
        Assert.True(runs[2].At - runs[1].At >= Base * 1.9, $"second retry after {(runs[2].At - runs[1].At).TotalMilliseconds} ms");
        Assert.DoesNotContain(all, a => a.Function == "ok");

        var record = Record(all.Single(a => a.Function == "dlq"));
        Assert.Equal("1.0", record.GetProperty("version").GetString());
        Assert.True(DateTimeOffset.TryParse(record.GetProperty("timestamp").GetString(), out _));
        var context = record.GetProperty("requestContext");
        Assert.Equal(runs[0].RequestId, context.GetProperty("requestId").GetString());
        Assert.Equal(arns["f"] + ":$LATEST", context.GetProperty("functionArn").GetString());
        Assert.Equal("RetriesExhausted", context.GetProperty("condition").GetString());
        Assert.Equal(3, context.GetProperty("approximateInvokeCount").GetInt32());
        Assert.Equal(42, record.GetProperty("requestPayload").GetProperty("order").GetInt32());
        var response = record.GetProperty("responseContext");
        Assert.Equal(200, response.GetProperty("statusCode").GetInt32());
        Assert.Equal("$LATEST", response.GetProperty("executedVersion").GetString());
        Assert.Equal("Unhandled", response.GetProperty("functionError").GetString());
        Assert.Equal("boom 3", record.GetProperty("responsePayload").GetProperty("errorMessage").GetString());
        await WaitForEmptyQueueAsync(t);
    }

    [Fact]
    public async Task A_retry_that_succeeds_goes_to_the_success_destination_and_zero_retries_go_straight_to_failure()
    {
        var (t, invoker, _) = await StartAsync();
        await using var host = t;
        var arns = await AsyncTestFunctions.CreateAsync(t, "once", "never", "ok", "dlq");
        invoker.Scripts["once"] = new ScriptedInvoker.Script(FailFirst: 1);
        invoker.Scripts["never"] = new ScriptedInvoker.Script(FailFirst: 100);
        var destinations = $$$"""{"OnFailure":{"Destination":"{{{arns["dlq"]}}}"},"OnSuccess":{"Destination":"{{{arns["ok"]}}}"}}""";
        await PutConfigAsync(t, "once", "--destination-config", destinations);
        await PutConfigAsync(t, "never", "--maximum-retry-attempts", "0", "--destination-config", destinations);

        await AsyncTestFunctions.InvokeEventAsync(t, "once", """{"k":"once"}""");
        await AsyncTestFunctions.InvokeEventAsync(t, "never", """{"k":"never"}""", v1: true);
        var all = await invoker.WaitAsync(a => a.Any(x => x.Function == "ok") && a.Any(x => x.Function == "dlq"), "both destinations");

        Assert.Equal(2, all.Count(a => a.Function == "once"));
        Assert.Single(all, a => a.Function == "never");
        var success = Record(all.Single(a => a.Function == "ok"));
        Assert.Equal("Success", success.GetProperty("requestContext").GetProperty("condition").GetString());
        Assert.Equal(2, success.GetProperty("requestContext").GetProperty("approximateInvokeCount").GetInt32());
        Assert.False(success.GetProperty("responseContext").TryGetProperty("functionError", out _));
        Assert.Equal(2, success.GetProperty("responsePayload").GetProperty("attempt").GetInt32());
        var failure = Record(all.Single(a => a.Function == "dlq"));
        Assert.Equal("RetriesExhausted", failure.GetProperty("requestContext").GetProperty("condition").GetString());
        Assert.Equal("never", failure.GetProperty("requestPayload").GetProperty("k").GetString());
    }

    [Fact]
    public async Task Throttled_events_retry_until_the_maximum_event_age_then_are_dropped_to_the_failure_destination()
    {
        var (t, invoker, clock) = await StartAsync();
        await using var host = t;
        var arns = await AsyncTestFunctions.CreateAsync(t, "busy", "dlq");
        invoker.Scripts["busy"] = new ScriptedInvoker.Script(Throttle: true);
        await PutConfigAsync(t, "busy", "--maximum-event-age-in-seconds", "60", "--maximum-retry-attempts", "0",
            "--destination-config", $$$"""{"OnFailure":{"Destination":"{{{arns["dlq"]}}}"}}""");

        await AsyncTestFunctions.InvokeEventAsync(t, "busy", """{"k":1}""");
        // Throttles do not count against MaximumRetryAttempts (0 here): the event keeps being retried.
        await invoker.WaitAsync(a => a.Count(x => x.Function == "busy") >= 3, "three throttled attempts");
        clock.Advance(TimeSpan.FromSeconds(61));
        var all = await invoker.WaitAsync(a => a.Any(x => x.Function == "dlq"), "the age-exceeded record");

        var record = Record(all.Single(a => a.Function == "dlq"));
        Assert.Equal("EventAgeExceeded", record.GetProperty("requestContext").GetProperty("condition").GetString());
        Assert.True(record.GetProperty("requestContext").GetProperty("approximateInvokeCount").GetInt32() >= 3);
        Assert.False(record.TryGetProperty("responseContext", out _));
        await WaitForEmptyQueueAsync(t);
        var attempts = invoker.Arrivals.Count(a => a.Function == "busy");
        await Task.Delay(Base * 3);
        Assert.Equal(attempts, invoker.Arrivals.Count(a => a.Function == "busy"));
    }

    [Fact]
    public async Task Platform_failures_are_retried_without_spending_the_retry_budget_and_the_event_still_runs()
    {
        var (t, invoker, _) = await StartAsync();
        await using var host = t;
        var arns = await AsyncTestFunctions.CreateAsync(t, "vanish", "ok", "dlq");
        // An environment that vanished under the first two attempts (a recovery or a crash): not the function's fault.
        invoker.Scripts["vanish"] = new ScriptedInvoker.Script(PlatformFirst: 2);
        await PutConfigAsync(t, "vanish", "--maximum-retry-attempts", "0",
            "--destination-config", $$$"""{"OnFailure":{"Destination":"{{{arns["dlq"]}}}"},"OnSuccess":{"Destination":"{{{arns["ok"]}}}"}}""");

        await AsyncTestFunctions.InvokeEventAsync(t, "vanish", """{"k":"vanish"}""");
        var all = await invoker.WaitAsync(a => a.Any(x => x.Function == "ok" || x.Function == "dlq"), "a destination record");

        Assert.DoesNotContain(all, a => a.Function == "dlq");
        Assert.Equal([1, 2, 3], all.Where(a => a.Function == "vanish").Select(a => a.Attempt));
        var success = Record(all.Single(a => a.Function == "ok"));
        Assert.Equal("Success", success.GetProperty("requestContext").GetProperty("condition").GetString());
        Assert.Equal(3, success.GetProperty("requestContext").GetProperty("approximateInvokeCount").GetInt32());
        Assert.Equal(3, success.GetProperty("responsePayload").GetProperty("attempt").GetInt32());
        await WaitForEmptyQueueAsync(t);
    }

    [Fact]
    public async Task Event_invoke_config_is_validated_and_round_trips_and_oversized_events_are_refused()
    {
        var (t, _, _) = await StartAsync();
        await using var host = t;
        var arns = await AsyncTestFunctions.CreateAsync(t, "f");
        var bad = await t.LambdaAsync(false, "put-function-event-invoke-config", "--function-name", "f",
            "--destination-config", """{"OnFailure":{"Destination":"arn:aws:sqs:us-east-1:000000000000:q"}}""");
        Assert.Contains("InvalidParameterValueException", bad.Stderr);
        var range = await t.LambdaAsync(false, "put-function-event-invoke-config", "--function-name", "f", "--maximum-retry-attempts", "3");
        Assert.NotEqual(0, range.ExitCode);
        Assert.Contains("maximumRetryAttempts", range.Stderr + range.Stdout, StringComparison.OrdinalIgnoreCase);

        await PutConfigAsync(t, "f", "--maximum-retry-attempts", "1", "--destination-config", $$$"""{"OnSuccess":{"Destination":"{{{arns["f"]}}}"}}""");
        var updated = await t.LambdaAsync(false, "update-function-event-invoke-config", "--function-name", "f", "--maximum-event-age-in-seconds", "120");
        Assert.True(updated.ExitCode == 0, updated.ToString());
        var got = JsonDocument.Parse((await t.LambdaAsync(false, "get-function-event-invoke-config", "--function-name", "f")).Stdout).RootElement;
        Assert.Equal(1, got.GetProperty("MaximumRetryAttempts").GetInt32());
        Assert.Equal(120, got.GetProperty("MaximumEventAgeInSeconds").GetInt32());
        Assert.Equal(arns["f"], got.GetProperty("DestinationConfig").GetProperty("OnSuccess").GetProperty("Destination").GetString());
        var listed = JsonDocument.Parse((await t.LambdaAsync(false, "list-function-event-invoke-configs", "--function-name", "f")).Stdout).RootElement;
        Assert.Single(listed.GetProperty("FunctionEventInvokeConfigs").EnumerateArray());
        Assert.Equal(0, (await t.LambdaAsync(false, "delete-function-event-invoke-config", "--function-name", "f")).ExitCode);

        // An Event payload over 1 MB is refused with 413 and nothing is queued.
        var big = Path.Combine(t.DataDir, "big.json");
        await File.WriteAllTextAsync(big, "{\"x\":\"" + new string('a', 1024 * 1024) + "\"}");
        var tooLarge = await t.LambdaAsync(false, "invoke", "--function-name", "f", "--invocation-type", "Event",
            "--cli-binary-format", "raw-in-base64-out", "--payload", "file://" + big, Path.Combine(t.DataDir, "out.json"));
        Assert.Contains("RequestTooLargeException", tooLarge.Stderr);
        Assert.Equal(0, t.Host.Services.GetRequiredService<AsyncEventStore>().Count());
        Assert.Contains("ResourceNotFoundException", (await t.LambdaAsync(false, "get-function-event-invoke-config", "--function-name", "f")).Stderr);
    }

    private static async Task WaitForEmptyQueueAsync(ControlTestHost t)
    {
        var store = t.Host.Services.GetRequiredService<AsyncEventStore>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (store.Count() > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{store.Count()} events still queued");
            await Task.Delay(100);
        }
    }
}
