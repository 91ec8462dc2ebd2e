using System.Text.Json;
using Lamina.Control.Invoke;
using Lamina.Scheduler.Tests.Fixtures;

namespace Lamina.Scheduler.Tests;

/// <summary>The seed workflow's last mile with real clients: create with the CLI v2, wait active, invoke, see the image run.</summary>
public sealed class InvokeTests(ExecutionServer server) : IClassFixture<ExecutionServer>
{
    [Fact]
    public async Task Invoke_runs_the_image_and_warm_invokes_reuse_the_environment_with_a_tail_of_this_request()
    {
        await server.CreateFunctionAsync("echo-basic");

        var first = await server.InvokeAsync("echo-basic", """{"hello":"world"}""");
        Assert.Equal(200, first.StatusCode);
        Assert.Null(first.FunctionError);
        Assert.Equal("world", first.Json.GetProperty("echo").GetProperty("hello").GetString());
        Assert.Equal(1, first.Json.GetProperty("count").GetInt32());

        var second = await server.InvokeAsync("echo-basic", """{"n":2}""", tail: true);
        Assert.Equal(2, second.Json.GetProperty("count").GetInt32());
        Assert.Equal(first.Json.GetProperty("pid").GetInt32(), second.Json.GetProperty("pid").GetInt32());

        // One environment, one log stream; the cold start carried an init duration, the warm one none.
        Assert.Single(server.Telemetry.StreamsOf("echo-basic"));
        var records = server.Telemetry.RecordsOf("echo-basic");
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal(InvocationOutcome.Success, r.Outcome));
        Assert.NotNull(records[0].InitDurationMs);
        Assert.Null(records[1].InitDurationMs);
        Assert.Matches(@"^\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}$", server.Telemetry.StreamsOf("echo-basic")[0]);

        // The tail is this request's START..REPORT, not the previous one's.
        var log = second.Log!;
        Assert.Contains($"START RequestId: {records[1].RequestId}", log);
        Assert.Contains($"END RequestId: {records[1].RequestId}", log);
        Assert.Contains($"REPORT RequestId: {records[1].RequestId}", log);
        Assert.DoesNotContain(records[0].RequestId, log);
    }

    [Fact]
    public async Task Concurrent_invokes_get_distinct_environments()
    {
        await server.CreateFunctionAsync("echo-wide", timeout: 300);
        var first = server.InvokeAsync("echo-wide", """{"wait":1}""");
        var second = server.InvokeAsync("echo-wide", """{"wait":2}""");
        // Both held busy by their runtimes until released: two environments must exist at once.
        await WaitUntilAsync(() => server.Scheduler.InFlight("echo-wide") == 2 && server.Scheduler.LiveEnvironmentsOf("echo-wide") == 2);
        server.ReleaseWaiting();
        var (a, b) = (await first, await second);

        Assert.Equal(1, a.Json.GetProperty("count").GetInt32());
        Assert.Equal(1, b.Json.GetProperty("count").GetInt32());
        Assert.Equal(2, server.Telemetry.StreamsOf("echo-wide").Count);
        Assert.Contains(server.Telemetry.RecordsOf("echo-wide"), r => r.ConcurrentExecutions == 2);
    }

    [Fact]
    public async Task Reserved_concurrency_one_throttles_the_second_concurrent_invoke_with_the_reason()
    {
        await server.CreateFunctionAsync("echo-reserved", timeout: 300);
        await server.LambdaAsync(null, "put-function-concurrency", "--function-name", "echo-reserved", "--reserved-concurrent-executions", "1");
        var first = server.InvokeAsync("echo-reserved", """{"wait":1}""");
        await WaitUntilAsync(() => server.Scheduler.InFlight("echo-reserved") == 1);

        var output = await server.Boto3Async(Boto3Invoke, "echo-reserved", """{"second":true}""");
        var throttled = JsonDocument.Parse(output).RootElement;
        server.ReleaseWaiting();
        Assert.True(throttled.TryGetProperty("code", out var code), output);
        Assert.Equal("TooManyRequestsException", code.GetString());
        Assert.Equal(429, throttled.GetProperty("status").GetInt32());
        Assert.Equal("ReservedFunctionConcurrentInvocationLimitExceeded", throttled.GetProperty("reason").GetString());

        Assert.Equal(1, (await first).Json.GetProperty("count").GetInt32());
        var records = server.Telemetry.RecordsOf("echo-reserved");
        Assert.Contains(records, r => r.Outcome == InvocationOutcome.Throttled && r.ErrorType == "ReservedFunctionConcurrentInvocationLimitExceeded");
        Assert.Contains(records, r => r.Outcome == InvocationOutcome.Success);
    }

    [Fact]
    public async Task After_update_function_code_every_invoke_runs_the_new_image()
    {
        await server.CreateFunctionAsync("echo-update");
        var before = await server.InvokeAsync("echo-update", "{}");
        Assert.False(before.Json.TryGetProperty("variant", out _));

        await server.LambdaAsync(null, "update-function-code", "--function-name", "echo-update", "--image-uri", $"{server.Authority}/sched/echo:v2");
        await server.LambdaAsync(null, "wait", "function-updated-v2", "--function-name", "echo-update");
        for (var i = 0; i < 3; i++)
        {
            var after = await server.InvokeAsync("echo-update", "{}");
            Assert.Equal("v2", after.Json.GetProperty("variant").GetString());
            Assert.Equal(i + 1, after.Json.GetProperty("count").GetInt32());
        }
        // The old environment was drained: only the new one is alive for this function.
        await WaitUntilAsync(() => server.Scheduler.LiveEnvironmentsOf("echo-update") == 1);
    }

    [Fact]
    public async Task A_crash_and_a_timeout_are_function_errors_and_the_next_invoke_runs_on_a_fresh_runtime()
    {
        await server.CreateFunctionAsync("echo-faults", timeout: 2);
        var crash = await server.InvokeAsync("echo-faults", """{"crash":1}""");
        Assert.Equal("Unhandled", crash.FunctionError);
        Assert.Equal("Runtime.ExitError", crash.Json.GetProperty("errorType").GetString());
        Assert.Equal(1, (await server.InvokeAsync("echo-faults", "{}")).Json.GetProperty("count").GetInt32());

        var hang = await server.InvokeAsync("echo-faults", """{"hang":1}""", tail: true);
        Assert.Equal("Unhandled", hang.FunctionError);
        Assert.Equal("Sandbox.Timedout", hang.Json.GetProperty("errorType").GetString());
        Assert.Contains("Task timed out after 2.00 seconds", hang.Log);
        Assert.Equal(1, (await server.InvokeAsync("echo-faults", "{}")).Json.GetProperty("count").GetInt32());

        // The agent re-initialised the runtime inside the same environment.
        Assert.Single(server.Telemetry.StreamsOf("echo-faults"));
        Assert.Contains(server.Telemetry.RecordsOf("echo-faults"), r => r.ErrorType == "Sandbox.Timedout" && r.Outcome == InvocationOutcome.FunctionError);
    }

    [Fact]
    public async Task An_environment_whose_sandbox_died_is_replaced_without_failing_the_invoke()
    {
        // Created and invoked with boto3 this time (the other tests use the CLI v2).
        var created = JsonDocument.Parse(await server.Boto3Async(Boto3CreateAndInvoke, "echo-killed", $"{server.Authority}/sched/echo:v1")).RootElement;
        Assert.Equal("Active", created.GetProperty("state").GetString());
        Assert.Equal(1, JsonDocument.Parse(created.GetProperty("payload").GetString()!).RootElement.GetProperty("count").GetInt32());
        var id = server.Telemetry.StreamsOf("echo-killed").Single()[^32..][..Scheduler.SandboxIdLength];
        var sandbox = server.Scheduler.Manager.Find(id)!;
        // The environment is frozen shortly after answering (a frozen process cannot die from SIGKILL until thawed).
        await WaitUntilAsync(() => sandbox.State == Lamina.Sandbox.SandboxState.Frozen);
        Assert.Null(await server.Scheduler.Manager.ThawAsync(sandbox));
        System.Diagnostics.Process.GetProcessById(sandbox.Pid).Kill();
        await sandbox.Exited.WaitAsync(TimeSpan.FromMinutes(1));

        var next = await server.InvokeAsync("echo-killed", "{}");
        Assert.Null(next.FunctionError);
        Assert.Equal(1, next.Json.GetProperty("count").GetInt32());
        Assert.Equal(2, server.Telemetry.StreamsOf("echo-killed").Count);
    }

    [Fact]
    public async Task An_image_that_cannot_be_unpacked_fails_the_function_and_invokes_are_refused()
    {
        await server.PushRawImageAsync("sched/broken", "v1", "this is not a gzip tar"u8.ToArray());
        await server.LambdaAsync(null, "create-function", "--function-name", "echo-broken", "--package-type", "Image",
            "--code", $"ImageUri={server.Authority}/sched/broken:v1", "--role", "arn:aws:iam::123456789012:role/lambda-role");
        JsonElement config;
        do
        {
            await Task.Delay(100);
            config = JsonDocument.Parse(await server.LambdaAsync(null, "get-function-configuration", "--function-name", "echo-broken")).RootElement;
        }
        while (config.GetProperty("State").GetString() == "Pending");

        Assert.Equal("Failed", config.GetProperty("State").GetString());
        Assert.Equal("InvalidImage", config.GetProperty("StateReasonCode").GetString());
        Assert.Contains("could not be pulled and unpacked", config.GetProperty("StateReason").GetString(), StringComparison.Ordinal);
        var boto = JsonDocument.Parse(await server.Boto3Async(Boto3Invoke, "echo-broken", "{}")).RootElement;
        Assert.Equal("ResourceConflictException", boto.GetProperty("code").GetString());
        Assert.Equal(0, server.Scheduler.LiveEnvironmentsOf("echo-broken"));
    }

    [Fact]
    public async Task Deleting_a_function_destroys_its_idle_environments_without_waiting_for_the_idle_timeout()
    {
        // Found by the soak (bench/soak): deleted functions' environments stayed until the 10-minute idle
        // timeout, holding sandboxes and the memory budget other functions' cold starts are checked against.
        await server.CreateFunctionAsync("echo-deleted");
        Assert.Equal(1, (await server.InvokeAsync("echo-deleted", "{}")).Json.GetProperty("count").GetInt32());
        Assert.Equal(1, server.Scheduler.LiveEnvironmentsOf("echo-deleted"));

        await server.LambdaAsync(null, "delete-function", "--function-name", "echo-deleted");
        // The fixture's idle timeout is 10 minutes: only the delete can destroy it within the wait.
        await WaitUntilAsync(() => server.Scheduler.LiveEnvironmentsOf("echo-deleted") == 0);

        // Created again under the same name, it runs on a fresh environment.
        await server.CreateFunctionAsync("echo-deleted");
        Assert.Equal(1, (await server.InvokeAsync("echo-deleted", "{}")).Json.GetProperty("count").GetInt32());
        Assert.Equal(1, server.Scheduler.LiveEnvironmentsOf("echo-deleted"));
    }

    private const string Boto3CreateAndInvoke = """
        import boto3, json, sys
        client = boto3.client("lambda", endpoint_url=sys.argv[1])
        client.create_function(FunctionName=sys.argv[2], PackageType="Image", Code={"ImageUri": sys.argv[3]},
                               Role="arn:aws:iam::123456789012:role/lambda-role")
        client.get_waiter("function_active_v2").wait(FunctionName=sys.argv[2])
        state = client.get_function_configuration(FunctionName=sys.argv[2])["State"]
        r = client.invoke(FunctionName=sys.argv[2], Payload=b"{}")
        print(json.dumps({"state": state, "payload": r["Payload"].read().decode()}))
        """;

    internal const string Boto3Invoke = """
        import boto3, json, sys
        from botocore.config import Config
        client = boto3.client("lambda", endpoint_url=sys.argv[1], config=Config(retries={"max_attempts": 0}))
        try:
            r = client.invoke(FunctionName=sys.argv[2], Payload=sys.argv[3].encode())
            print(json.dumps({"status": r["StatusCode"], "payload": r["Payload"].read().decode(), "error": r.get("FunctionError")}))
        except (client.exceptions.TooManyRequestsException, client.exceptions.ResourceConflictException) as e:
            print(json.dumps({"status": e.response["ResponseMetadata"]["HTTPStatusCode"], "code": e.response["Error"]["Code"],
                              "reason": e.response.get("Reason"), "message": e.response["Error"]["Message"]}))
        """;

    /// <summary>Polls a condition (not a timing assertion: the limit only stops a hung test).</summary>
    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached within 2 minutes");
            await Task.Delay(20);
        }
    }
}
