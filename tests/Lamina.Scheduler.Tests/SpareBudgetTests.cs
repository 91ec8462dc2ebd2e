using Lamina.Scheduler.Tests.Fixtures;
using Lamina.Server;

namespace Lamina.Scheduler.Tests;

/// <summary>
/// Spares in the host's memory budget (Execution:MemoryLimitMb, here 300 MB): a spare holds its function's
/// MemorySize of it, a spare is made only into free room, and a cold start that does not fit beside other pools'
/// spares evicts them instead of being throttled.
/// </summary>
public sealed class SpareBudgetTests(SpareBudgetTests.Server server) : IClassFixture<SpareBudgetTests.Server>
{
    /// <summary>The fixture's server with a 300 MB budget: one 128 MB spare and one 256 MB environment do not fit together.</summary>
    public sealed class Server : ExecutionServer
    {
        protected override void Configure(LaminaOptions options) => options.Execution.MemoryLimitMb = 300;
    }

    [Fact]
    public async Task A_spare_holds_its_memory_size_and_yields_to_a_cold_start_that_needs_the_room()
    {
        await server.CreateFunctionAsync("budget-small"); // 128 MB
        await InvokeTests.WaitUntilAsync(() => server.Scheduler.SpareSandboxIds("budget-small").Count == 1);
        var small = server.Scheduler.SpareSandboxIds("budget-small")[0];
        Assert.Equal(128, server.Scheduler.SpareMemoryMb);

        await server.LambdaAsync(null, "create-function", "--function-name", "budget-large", "--package-type", "Image",
            "--code", $"ImageUri={server.Authority}/sched/echo:v1", "--role", "arn:aws:iam::123456789012:role/lambda-role", "--memory-size", "256");
        await server.LambdaAsync(null, "wait", "function-active-v2", "--function-name", "budget-large");
        // 128 held + 256 > 300: no spare for the large function (a negative is only seen over a few prewarm passes).
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Empty(server.Scheduler.SpareSandboxIds("budget-large"));
        Assert.Equal(128, server.Scheduler.SpareMemoryMb);

        // 256 fits the budget but not beside the spare: the spare goes, the invoke runs (no throttle).
        var invoked = await server.InvokeAsync("budget-large", "{}");
        Assert.Equal(200, invoked.StatusCode);
        Assert.Null(invoked.FunctionError);
        Assert.Equal(1, invoked.Json.GetProperty("count").GetInt32());
        Assert.Empty(server.Scheduler.SpareSandboxIds("budget-small"));
        await InvokeTests.WaitUntilAsync(() => server.Scheduler.Manager.Find(small) is null);
        // The large environment (256 live) leaves no room for any spare: none is held.
        Assert.Equal(0, server.Scheduler.SpareMemoryMb);
        Assert.Empty(server.Scheduler.SpareSandboxIds("budget-large"));
    }
}
