using Lamina.Scheduler.Tests.Fixtures;

namespace Lamina.Scheduler.Tests;

/// <summary>
/// A spare still in the making yields to a cold start that needs its room (300 MB budget, its own server): its
/// making is cancelled, its share of the budget returned before the cold start proceeds, and its sandbox destroyed.
/// </summary>
public sealed class SpareEvictionTests(SpareBudgetTests.Server server) : IClassFixture<SpareBudgetTests.Server>
{
    [Fact]
    public async Task A_cold_start_that_needs_the_room_cancels_a_spare_in_the_making_and_its_sandbox_is_destroyed()
    {
        // Made spares wait here before joining their pool: the prewarmed spare stays "in the making" as long as the test wants.
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Scheduler.HoldSparesMade = hold.Task;
        try
        {
            await server.CreateFunctionAsync("evict-small"); // 128 MB, prewarmed at Active
            string? id = null;
            await InvokeTests.WaitUntilAsync(() => server.Scheduler.SandboxIdsInMaking() is [var only] && server.Scheduler.Manager.Find(id = only) is not null);
            Assert.Equal(128, server.Scheduler.SpareMemoryMb);
            Assert.Empty(server.Scheduler.SpareSandboxIds("evict-small"));

            await server.LambdaAsync(null, "create-function", "--function-name", "evict-large", "--package-type", "Image",
                "--code", $"ImageUri={server.Authority}/sched/echo:v1", "--role", "arn:aws:iam::123456789012:role/lambda-role", "--memory-size", "256");
            await server.LambdaAsync(null, "wait", "function-active-v2", "--function-name", "evict-large");

            // 256 fits the budget but not beside the 128 held by the spare in the making: the spare is cancelled, the invoke runs.
            var invoked = await server.InvokeAsync("evict-large", "{}");
            Assert.Equal(200, invoked.StatusCode);
            Assert.Null(invoked.FunctionError);
            Assert.Equal(1, invoked.Json.GetProperty("count").GetInt32());
            Assert.Equal(256, server.Scheduler.LiveMemoryMb);
            Assert.Equal(0, server.Scheduler.SpareMemoryMb); // returned at eviction, while the spare's task is still held

            // The cancelled spare's task ends (its wait was cancelled) and destroys the sandbox; it never joins its pool.
            await InvokeTests.WaitUntilAsync(() => server.Scheduler.SparesInMaking == 0 && server.Scheduler.Manager.Find(id!) is null);
            Assert.Empty(server.Scheduler.SpareSandboxIds("evict-small"));
            Assert.Equal(0, server.Scheduler.SpareMemoryMb);
        }
        finally
        {
            hold.TrySetResult();
            server.Scheduler.HoldSparesMade = null;
        }
    }
}
