using Lamina.Scheduler.Tests.Fixtures;

namespace Lamina.Scheduler.Tests;

/// <summary>Sandboxes made ahead of demand: used by the next cold start of their pool, replaced, gone with their pool.</summary>
public sealed class SpareTests(ExecutionServer server) : IClassFixture<ExecutionServer>
{
    [Fact]
    public async Task The_next_cold_start_takes_the_spare_made_after_the_first_and_a_new_one_is_made()
    {
        await server.CreateFunctionAsync("spare-use", timeout: 300);
        // The spare made when the function became Active (prewarm on Active) serves the first invoke.
        await InvokeTests.WaitUntilAsync(() => server.Scheduler.SpareSandboxIds("spare-use").Count == 1);
        var prewarmed = server.Scheduler.SpareSandboxIds("spare-use")[0];
        Assert.Equal(1, (await server.InvokeAsync("spare-use", "{}")).Json.GetProperty("count").GetInt32());
        await InvokeTests.WaitUntilAsync(() => server.Scheduler.SpareSandboxIds("spare-use") is [var s] && s != prewarmed);
        var spare = server.Scheduler.SpareSandboxIds("spare-use")[0];
        // A spare runs no runtime before it is used.
        Assert.DoesNotContain("echo-runtime: pid", File.ReadAllText(server.Scheduler.Manager.Find(spare)!.StderrPath));

        // The warm environment is held busy, so the second invoke needs a new one: the spare.
        var held = server.InvokeAsync("spare-use", """{"wait":1}""");
        await InvokeTests.WaitUntilAsync(() => server.Scheduler.InFlight("spare-use") == 1);
        var second = await server.InvokeAsync("spare-use", """{"n":2}""");
        server.ReleaseWaiting();
        Assert.Equal(2, (await held).Json.GetProperty("count").GetInt32());

        Assert.Equal(1, second.Json.GetProperty("count").GetInt32()); // a fresh runtime, initialised for this invoke
        var streams = server.Telemetry.StreamsOf("spare-use");
        Assert.Equal(2, streams.Count);
        Assert.Contains(streams, s => s[^32..].StartsWith(spare, StringComparison.Ordinal));
        Assert.Contains(streams, s => s[^32..].StartsWith(prewarmed, StringComparison.Ordinal));
        var cold = server.Telemetry.RecordsOf("spare-use").Where(r => r.InitDurationMs is not null).ToList();
        Assert.Equal(2, cold.Count); // the spare's first invoke reports its init like any cold start

        // The spare was replaced by a new one (bounded: one per pool by default).
        await InvokeTests.WaitUntilAsync(() => server.Scheduler.SpareSandboxIds("spare-use") is [var next] && next != spare);
        Assert.Single(server.Scheduler.SpareSandboxIds("spare-use"));
    }

    [Fact]
    public async Task After_update_function_code_the_old_pools_spare_is_destroyed_and_never_used()
    {
        await server.CreateFunctionAsync("spare-update");
        await server.InvokeAsync("spare-update", "{}");
        await InvokeTests.WaitUntilAsync(() => server.Scheduler.SpareSandboxIds("spare-update").Count == 1);
        var old = server.Scheduler.SpareSandboxIds("spare-update")[0];
        var oldDirectory = server.Scheduler.Manager.Layout.SandboxDirectory(old);

        await server.LambdaAsync(null, "update-function-code", "--function-name", "spare-update", "--image-uri", $"{server.Authority}/sched/echo:v2");
        await server.LambdaAsync(null, "wait", "function-updated-v2", "--function-name", "spare-update");
        var after = await server.InvokeAsync("spare-update", "{}");
        Assert.Equal("v2", after.Json.GetProperty("variant").GetString());

        await InvokeTests.WaitUntilAsync(() => server.Scheduler.Manager.Find(old) is null && !Directory.Exists(oldDirectory));
        Assert.DoesNotContain(old, server.Scheduler.SpareSandboxIds("spare-update"));
        Assert.DoesNotContain(server.Telemetry.StreamsOf("spare-update"), s => s[^32..].StartsWith(old, StringComparison.Ordinal));
        // The new pool makes its own.
        await InvokeTests.WaitUntilAsync(() => server.Scheduler.SpareSandboxIds("spare-update").Count == 1);
    }
}
