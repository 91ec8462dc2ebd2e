using Lamina.Scheduler.Tests.Fixtures;

namespace Lamina.Scheduler.Tests;

/// <summary>
/// CreateAlias tells the scheduler of the versions the alias routes to: a version whose spare is gone (here evicted
/// by another function's cold start in a 300 MB budget, its own server) gets one again before the alias's first invoke.
/// </summary>
public sealed class AliasPrewarmTests(SpareBudgetTests.Server server) : IClassFixture<SpareBudgetTests.Server>
{
    [Fact]
    public async Task Creating_an_alias_makes_a_spare_for_its_version_whose_spare_had_been_evicted()
    {
        await server.CreateFunctionAsync("alias-pre"); // 128 MB
        await server.LambdaAsync(null, "publish-version", "--function-name", "alias-pre");
        await InvokeTests.WaitUntilAsync(() => server.Scheduler.SpareSandboxIds("alias-pre", "1").Count == 1);
        var evicted = server.Scheduler.SpareSandboxIds("alias-pre", "1")[0];

        // A 256 MB cold start needs the room of both 128 MB spares ($LATEST's and version 1's): both go.
        await server.LambdaAsync(null, "create-function", "--function-name", "alias-big", "--package-type", "Image",
            "--code", $"ImageUri={server.Authority}/sched/echo:v1", "--role", "arn:aws:iam::123456789012:role/lambda-role", "--memory-size", "256");
        await server.LambdaAsync(null, "wait", "function-active-v2", "--function-name", "alias-big");
        Assert.Equal(200, (await server.InvokeAsync("alias-big", "{}")).StatusCode);
        await InvokeTests.WaitUntilAsync(() => server.Scheduler.Manager.Find(evicted) is null);
        Assert.Empty(server.Scheduler.SpareSandboxIds("alias-pre"));

        // Its environment gone (delete-function), the room is free again; nothing remakes version 1's spare by itself.
        await server.LambdaAsync(null, "delete-function", "--function-name", "alias-big");
        await InvokeTests.WaitUntilAsync(() => server.Scheduler.LiveMemoryMb == 0);
        Assert.Empty(server.Scheduler.SpareSandboxIds("alias-pre", "1"));

        await server.LambdaAsync(null, "create-alias", "--function-name", "alias-pre", "--name", "live", "--function-version", "1");
        await InvokeTests.WaitUntilAsync(() => server.Scheduler.SpareSandboxIds("alias-pre", "1").Count == 1);
        var spare = server.Scheduler.SpareSandboxIds("alias-pre", "1")[0];
        Assert.NotEqual(evicted, spare);

        var invoked = await server.InvokeAsync("alias-pre:live", "{}");
        Assert.Equal(200, invoked.StatusCode);
        Assert.StartsWith(spare, Assert.Single(server.Telemetry.StreamsOf("alias-pre"))[^32..], StringComparison.Ordinal);
    }
}
