using System.Text;
using Lamina.Environments.Tests.Fixtures;
using Lamina.Sandbox;

namespace Lamina.Environments.Tests;

/// <summary>
/// The init CPU boost (CpuLimits.InitBoost): a sandbox runs without its CFS quota until the function's init is
/// done, then under it; read from the cgroup files themselves.
/// </summary>
public sealed class InitCpuBoostTests(PulledImageFixture image) : IClassFixture<PulledImageFixture>
{
    // 256 MB is 0.145 vCPU by Lambda's rule, so the 0.25 vCPU floor applies: 25 ms per 100 ms period.
    private static readonly FunctionConfig Echo = new("echo-fn", MemoryMb: 256, TimeoutSeconds: 30);
    private const string FunctionQuota = "25000";

    [Theory]
    [InlineData(SpareStage.AgentReady)]
    [InlineData(SpareStage.Created)]
    public async Task The_quota_is_absent_until_init_is_done_and_present_for_invokes(SpareStage stage)
    {
        await using var h = new EnvironmentHarness(image.AgentBinary, CpuLimits.Default with { InitBoost = true });
        var (spare, error) = await h.Factory.PrepareAsync(EnvironmentHarness.NewId(), image.Image, Echo, stage);
        Assert.True(spare is not null, error?.ToString());
        Assert.Equal("-1", h.CpuQuota(spare!.Sandbox));
        Assert.True(spare.Sandbox.InitCpuBoosted);

        var (env, initError) = await h.Factory.InitAsync(spare);
        Assert.True(env is not null, initError?.ToString());
        h.Track(env!);
        Assert.Equal(FunctionQuota, h.CpuQuota(env!.Sandbox));
        Assert.False(env.Sandbox.InitCpuBoosted);

        var (result, invokeError) = await env.InvokeAsync(Encoding.UTF8.GetBytes("{\"k\":1}"), "req-boost");
        Assert.True(invokeError is null, invokeError?.ToString());
        Assert.Contains("\"k\":1", result!.PayloadText, StringComparison.Ordinal);
        Assert.Equal(FunctionQuota, h.CpuQuota(env.Sandbox));
        // Ending the boost again changes nothing.
        Assert.Null(await h.Manager.EndInitCpuBoostAsync(env.Sandbox));
        Assert.Equal(FunctionQuota, h.CpuQuota(env.Sandbox));
    }

    [Fact]
    public async Task An_on_demand_start_ends_with_the_quota_written()
    {
        await using var h = new EnvironmentHarness(image.AgentBinary, CpuLimits.Default with { InitBoost = true });
        var env = await h.StartAsync(image, Echo);
        Assert.Equal(FunctionQuota, h.CpuQuota(env.Sandbox));
        Assert.False(env.Sandbox.InitCpuBoosted);
    }

    [Fact]
    public async Task Without_the_boost_the_quota_is_there_from_create()
    {
        await using var h = new EnvironmentHarness(image.AgentBinary);
        var (spare, error) = await h.Factory.PrepareAsync(EnvironmentHarness.NewId(), image.Image, Echo, SpareStage.Created);
        Assert.True(spare is not null, error?.ToString());
        Assert.Equal(FunctionQuota, h.CpuQuota(spare!.Sandbox));
        Assert.False(spare.Sandbox.InitCpuBoosted);
        Assert.True(await h.Factory.DiscardAsync(spare));
    }

    [Fact]
    public async Task With_no_quota_at_all_the_boost_leaves_nothing_to_write()
    {
        await using var h = new EnvironmentHarness(image.AgentBinary, new CpuLimits(Quota: false) { InitBoost = true });
        var env = await h.StartAsync(image, Echo);
        Assert.Equal("-1", h.CpuQuota(env.Sandbox));
        Assert.False(env.Sandbox.InitCpuBoosted);
    }
}
