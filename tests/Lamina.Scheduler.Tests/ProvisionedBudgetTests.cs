using System.Text.Json;
using Lamina.Scheduler.Tests.Fixtures;

namespace Lamina.Scheduler.Tests;

/// <summary>
/// Provisioned concurrency in the memory budget (300 MB, its own server): provisioned environments are the
/// initialised ones; spares are not provisioned and yield to them, so environments plus spares stay in the budget.
/// </summary>
public sealed class ProvisionedBudgetTests(SpareBudgetTests.Server server) : IClassFixture<SpareBudgetTests.Server>
{
    [Fact]
    public async Task Provisioned_environments_evict_spares_so_the_budget_holds_and_spares_are_never_counted_as_provisioned()
    {
        await server.CreateFunctionAsync("pb"); // 128 MB; its $LATEST gets a spare at Active
        await InvokeTests.WaitUntilAsync(() => server.Scheduler.SpareSandboxIds("pb").Count == 1);
        var spare = server.Scheduler.SpareSandboxIds("pb")[0];
        await server.LambdaAsync(null, "publish-version", "--function-name", "pb");

        // Two initialised environments of version 1 (256 MB) do not fit beside the 128 MB spare in 300 MB: the spare goes.
        await server.LambdaAsync(null, "put-provisioned-concurrency-config", "--function-name", "pb",
            "--qualifier", "1", "--provisioned-concurrent-executions", "2");
        JsonElement config;
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while ((config = JsonDocument.Parse(await server.LambdaAsync(null, "get-provisioned-concurrency-config",
                   "--function-name", "pb", "--qualifier", "1")).RootElement).GetProperty("Status").GetString() != "READY")
        {
            Assert.NotEqual("FAILED", config.GetProperty("Status").GetString());
            Assert.True(DateTime.UtcNow < deadline, "not READY within 3 minutes: " + config);
            await Task.Delay(200);
        }
        Assert.Equal(2, config.GetProperty("AllocatedProvisionedConcurrentExecutions").GetInt32());
        Assert.Equal(2, server.Scheduler.ProvisionedEnvironmentsOf("pb"));
        Assert.Equal(256, server.Scheduler.LiveMemoryMb);
        await InvokeTests.WaitUntilAsync(() => server.Scheduler.Manager.Find(spare) is null);
        // Environments and spares together within the budget (without eviction: 256 + 128 > 300).
        Assert.True(server.Scheduler.LiveMemoryMb + server.Scheduler.SpareMemoryMb <= 300,
            $"live {server.Scheduler.LiveMemoryMb} MB + spares {server.Scheduler.SpareMemoryMb} MB > 300 MB");
        Assert.Empty(server.Scheduler.SpareSandboxIds("pb"));

        // A third provisioned environment does not fit even without spares: FAILED with the reason, never over budget.
        await server.LambdaAsync(null, "put-provisioned-concurrency-config", "--function-name", "pb",
            "--qualifier", "1", "--provisioned-concurrent-executions", "3");
        deadline = DateTime.UtcNow.AddMinutes(3);
        while ((config = JsonDocument.Parse(await server.LambdaAsync(null, "get-provisioned-concurrency-config",
                   "--function-name", "pb", "--qualifier", "1")).RootElement).GetProperty("Status").GetString() != "FAILED")
        {
            Assert.True(DateTime.UtcNow < deadline, "not FAILED within 3 minutes: " + config);
            await Task.Delay(200);
        }
        Assert.Contains("Not enough memory", config.GetProperty("StatusReason").GetString(), StringComparison.Ordinal);
        Assert.True(server.Scheduler.LiveMemoryMb + server.Scheduler.SpareMemoryMb <= 300);
    }
}
