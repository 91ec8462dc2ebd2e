using Lamina.Control.Invoke;
using Lamina.Server;
using Microsoft.Extensions.DependencyInjection;

namespace Lamina.Scheduler.Tests;

/// <summary>Configuration refusals, the disabled path, and the scheduler's pure parts.</summary>
public sealed class OptionsAndPartsTests
{
    [Fact]
    public void Invalid_execution_options_are_each_reported()
    {
        var errors = new ExecutionOptions
        {
            IdleTimeout = TimeSpan.Zero, AccountConcurrency = 0, ScalingRate = double.NaN, ScalingBurst = 0,
            MemoryLimitMb = -1, CgroupParent = "../escape", AgentBinary = "", SpareSandboxes = 17, CpuFloorVcpus = 0,
        }.Validate();
        Assert.Equal(9, errors.Count);
        Assert.Contains(errors, e => e.Contains("Execution:CpuFloorVcpus: CPU floor 0 vCPU is out of range 0.01-64", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("SpareSandboxes 17 is out of range 0-16", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("IdleTimeout", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("CgroupParent '../escape'", StringComparison.Ordinal));
        Assert.Empty(new ExecutionOptions().Validate());
    }

    [Fact]
    public void Execution_required_but_impossible_fails_start_up_saying_why()
    {
        var dir = Directory.CreateTempSubdirectory("lamina-sched-opt-").FullName;
        try
        {
            var e = Assert.Throws<LaminaConfigurationException>(() => LaminaHost.Create(new LaminaOptions
            {
                Port = 0, DataDir = dir, Execution = new ExecutionOptions { Enabled = true, RuncPath = "/nonexistent/runc" },
            }));
            Assert.Contains("runc was not found at /nonexistent/runc", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Disabled_execution_answers_every_invoke_with_a_service_exception_saying_why()
    {
        var dir = Directory.CreateTempSubdirectory("lamina-sched-off-").FullName;
        var host = LaminaHost.Create(new LaminaOptions { Port = 0, DataDir = dir, Execution = new ExecutionOptions { Enabled = false } });
        try
        {
            var invoker = host.Services.GetRequiredService<IFunctionInvoker>();
            Assert.IsType<DisabledInvoker>(invoker);
            var result = await invoker.InvokeAsync(new InvokeRequest(new Control.Domain.FunctionConfig
            {
                FunctionName = "f", Role = "r", ImageUri = "x", RevisionId = "1",
            }, "arn", "id", ReadOnlyMemory<byte>.Empty, InvocationType.RequestResponse, false, null), CancellationToken.None);
            Assert.Equal(Control.Domain.LambdaErrorType.Service, result.Error!.Type);
            Assert.Contains("no execution environments are configured on this server yet: execution is disabled", result.Error.Message, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(dir, "execution")));
        }
        finally
        {
            await host.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void The_token_bucket_allows_the_burst_then_refills_at_the_rate()
    {
        var bucket = new TokenBucket(rate: 2, burst: 3, nowTicks: 0);
        const long second = 1000;
        Assert.True(bucket.TryTake(0, second));
        Assert.True(bucket.TryTake(0, second));
        Assert.True(bucket.TryTake(0, second));
        Assert.False(bucket.TryTake(0, second));
        Assert.False(bucket.TryTake(400, second));   // 0.8 tokens
        Assert.True(bucket.TryTake(500, second));    // 1.0
        Assert.True(bucket.TryTake(10_000, second)); // refilled to the burst (3), not beyond
        Assert.True(bucket.TryTake(10_000, second));
        Assert.True(bucket.TryTake(10_000, second));
        Assert.False(bucket.TryTake(10_000, second));
    }
}
