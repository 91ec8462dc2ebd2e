using Lamina.Scheduler.Tests.Fixtures;
using Lamina.Server;

namespace Lamina.Scheduler.Tests;

/// <summary>
/// Prewarm on Active (Execution:PrewarmOnActive): a function that becomes Active gets its pool's spare then, so its
/// first invoke is a cold start from that spare; an update replaces it; off, spares wait for a first cold start.
/// </summary>
public sealed class PrewarmTests(ExecutionServer server) : IClassFixture<ExecutionServer>
{
    [Fact]
    public async Task A_created_function_has_a_spare_before_any_invoke_and_its_first_invoke_uses_it()
    {
        await server.CreateFunctionAsync("pre-create");
        await InvokeTests.WaitUntilAsync(() => server.Scheduler.SpareSandboxIds("pre-create").Count == 1);
        var spare = server.Scheduler.SpareSandboxIds("pre-create")[0];
        var sandbox = server.Scheduler.Manager.Find(spare)!;
        Assert.Equal(Lamina.Sandbox.SandboxState.Frozen, sandbox.State);
        Assert.DoesNotContain("echo-runtime: pid", File.ReadAllText(sandbox.StderrPath)); // no runtime before an invoke
        Assert.Empty(server.Telemetry.RecordsOf("pre-create"));
        Assert.Equal(0, server.Scheduler.LiveEnvironmentsOf("pre-create"));

        var first = await server.InvokeAsync("pre-create", """{"n":1}""");
        Assert.Equal(1, first.Json.GetProperty("count").GetInt32());
        var record = Assert.Single(server.Telemetry.RecordsOf("pre-create"));
        Assert.NotNull(record.InitDurationMs); // a cold start, reported as one
        Assert.StartsWith(spare, Assert.Single(server.Telemetry.StreamsOf("pre-create"))[^32..], StringComparison.Ordinal);
        Assert.Contains(spare, server.Scheduler.IdleSandboxIds("pre-create"));
    }

    [Fact]
    public async Task Update_function_code_replaces_the_spare_before_any_invoke_of_the_new_code()
    {
        await server.CreateFunctionAsync("pre-update");
        await InvokeTests.WaitUntilAsync(() => server.Scheduler.SpareSandboxIds("pre-update").Count == 1);
        var old = server.Scheduler.SpareSandboxIds("pre-update")[0];

        await server.LambdaAsync(null, "update-function-code", "--function-name", "pre-update", "--image-uri", $"{server.Authority}/sched/echo:v2");
        await server.LambdaAsync(null, "wait", "function-updated-v2", "--function-name", "pre-update");
        await InvokeTests.WaitUntilAsync(() => server.Scheduler.SpareSandboxIds("pre-update") is [var next] && next != old);
        var replacement = server.Scheduler.SpareSandboxIds("pre-update")[0];
        await InvokeTests.WaitUntilAsync(() => server.Scheduler.Manager.Find(old) is null);
        Assert.Empty(server.Telemetry.RecordsOf("pre-update"));

        var after = await server.InvokeAsync("pre-update", "{}");
        Assert.Equal("v2", after.Json.GetProperty("variant").GetString());
        Assert.StartsWith(replacement, Assert.Single(server.Telemetry.StreamsOf("pre-update"))[^32..], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_published_version_has_its_own_spare_before_its_first_invoke_which_uses_it()
    {
        await server.CreateFunctionAsync("pre-version");
        await InvokeTests.WaitUntilAsync(() => server.Scheduler.SpareSandboxIds("pre-version", "$LATEST").Count == 1);
        await server.LambdaAsync(null, "publish-version", "--function-name", "pre-version");

        // PublishVersion tells the scheduler (IFunctionActivation): version 1's pool gets a spare with no invoke yet.
        await InvokeTests.WaitUntilAsync(() => server.Scheduler.SpareSandboxIds("pre-version", "1").Count == 1);
        var spare = server.Scheduler.SpareSandboxIds("pre-version", "1")[0];
        var sandbox = server.Scheduler.Manager.Find(spare)!;
        Assert.DoesNotContain("echo-runtime: pid", File.ReadAllText(sandbox.StderrPath));
        Assert.Empty(server.Telemetry.RecordsOf("pre-version"));
        Assert.Equal(0, server.Scheduler.LiveEnvironmentsOf("pre-version"));

        var first = await server.InvokeAsync("pre-version:1", "{}");
        Assert.Equal(1, first.Json.GetProperty("count").GetInt32());
        Assert.NotNull(Assert.Single(server.Telemetry.RecordsOf("pre-version")).InitDurationMs);
        var stream = Assert.Single(server.Telemetry.StreamsOf("pre-version"));
        Assert.Contains("[1]", stream, StringComparison.Ordinal);
        Assert.StartsWith(spare, stream[^32..], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_state_workers_notification_alone_makes_the_spare_on_create_and_on_update()
    {
        // With the once-a-second pass off, only the notification (StateWorker → IFunctionActivation) can make it.
        server.Scheduler.PrewarmPassEnabled = false;
        try
        {
            await server.CreateFunctionAsync("pre-notice");
            await InvokeTests.WaitUntilAsync(() => server.Scheduler.SpareSandboxIds("pre-notice").Count == 1);
            var first = server.Scheduler.SpareSandboxIds("pre-notice")[0];

            await server.LambdaAsync(null, "update-function-configuration", "--function-name", "pre-notice", "--memory-size", "256");
            await server.LambdaAsync(null, "wait", "function-updated-v2", "--function-name", "pre-notice");
            await InvokeTests.WaitUntilAsync(() => server.Scheduler.SpareSandboxIds("pre-notice") is [var next] && next != first);
            var second = server.Scheduler.SpareSandboxIds("pre-notice")[0];
            Assert.Empty(server.Telemetry.RecordsOf("pre-notice"));

            // The first invoke of the updated configuration is served by that spare.
            var invoked = await server.InvokeAsync("pre-notice", "{}");
            Assert.Equal(200, invoked.StatusCode);
            Assert.StartsWith(second, Assert.Single(server.Telemetry.StreamsOf("pre-notice"))[^32..], StringComparison.Ordinal);
        }
        finally
        {
            server.Scheduler.PrewarmPassEnabled = true;
        }
    }
}

/// <summary>Execution:PrewarmOnActive=false: no spare until a pool's first cold start.</summary>
public sealed class PrewarmOffTests(PrewarmOffTests.Server server) : IClassFixture<PrewarmOffTests.Server>
{
    /// <summary>The fixture's server with prewarming off.</summary>
    public sealed class Server : ExecutionServer
    {
        protected override void Configure(LaminaOptions options) => options.Execution.PrewarmOnActive = false;
    }

    [Fact]
    public async Task Without_prewarm_a_spare_is_made_only_after_the_first_cold_start()
    {
        await server.CreateFunctionAsync("pre-off");
        // Three provisioned/prewarm passes (one a second) and no spare; a negative can only be checked over a while.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Empty(server.Scheduler.SpareSandboxIds("pre-off"));
        await server.InvokeAsync("pre-off", "{}");
        await InvokeTests.WaitUntilAsync(() => server.Scheduler.SpareSandboxIds("pre-off").Count == 1);
    }
}
