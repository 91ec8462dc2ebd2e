using Lamina.Sandbox.Tests.Fixtures;

namespace Lamina.Sandbox.Tests;

/// <summary>CpuLimits.InitBoost at the sandbox layer: no quota at create, the quota written on request, once.</summary>
public sealed class InitCpuBoostTests
{
    private static readonly CpuLimits Boosted = CpuLimits.Default with { InitBoost = true };

    [Fact]
    public void The_spec_has_no_quota_while_boosted_and_the_function_quota_otherwise()
    {
        Assert.Equal(-1, Boosted.CreateQuotaUs(128));
        Assert.Equal(25_000, CpuLimits.Default.CreateQuotaUs(128));
        Assert.Equal(25_000, Boosted.QuotaUs(128)); // what is written when init ends
        Assert.Equal(-1, (new CpuLimits(Quota: false) { InitBoost = true }).CreateQuotaUs(128));
    }

    [Theory]
    [MemberData(nameof(Runtimes.Both), MemberType = typeof(Runtimes))]
    public async Task A_boosted_sandbox_runs_unlimited_until_the_boost_ends(OciRuntime runtime)
    {
        await using var h = new SandboxHarness(Boosted, runtime);
        var sandbox = await h.StartAsync(SandboxHarness.Request("/bin/probe", "sleep") with { MemoryMb = 3538 });
        long? Quota() => SandboxCgroups.CpuQuotaUs(h.CgroupParent, sandbox.Id);
        Assert.Equal(-1, Quota());
        Assert.True(sandbox.InitCpuBoosted);

        Assert.Null(await h.Manager.EndInitCpuBoostAsync(sandbox));
        // 3538 MB is two vCPUs by Lambda's rule (the host cap allowing).
        Assert.Equal(Boosted.QuotaUs(3538), Quota());
        Assert.False(sandbox.InitCpuBoosted);
        Assert.Null(await h.Manager.EndInitCpuBoostAsync(sandbox));
    }

    [Fact]
    public async Task Ending_the_boost_of_a_destroyed_sandbox_is_an_error_not_a_throw()
    {
        await using var h = new SandboxHarness(Boosted);
        var sandbox = await h.StartAsync(SandboxHarness.Request("/bin/probe", "sleep"));
        await h.Manager.DestroyAsync(sandbox);
        var error = await h.Manager.EndInitCpuBoostAsync(sandbox);
        Assert.NotNull(error);
        Assert.Equal(SandboxErrorCode.InvalidState, error!.Code);
        Assert.True(sandbox.InitCpuBoosted); // never reported as limited when it was not
    }

    [Fact]
    public async Task An_unboosted_sandbox_has_its_quota_from_create_and_nothing_pending()
    {
        await using var h = new SandboxHarness();
        var sandbox = await h.StartAsync(SandboxHarness.Request("/bin/probe", "sleep"));
        Assert.Equal(25_000, SandboxCgroups.CpuQuotaUs(h.CgroupParent, sandbox.Id));
        Assert.False(sandbox.InitCpuBoosted);
        Assert.Null(await h.Manager.EndInitCpuBoostAsync(sandbox));
    }
}
