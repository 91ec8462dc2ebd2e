namespace Lamina.Sandbox.Tests;

/// <summary>The CPU rule: Lambda's vCPU per 1769 MB as a CFS quota, the floor, the host cap, the switch, the shares.</summary>
public sealed class CpuLimitsTests
{
    [Theory]
    [InlineData(128, 7235)]      // Lambda's proportion below the floor: 0.072 vCPU
    [InlineData(1769, 100000)]   // one vCPU
    [InlineData(3538, 200000)]
    [InlineData(10240, 578858)]  // 5.79 vCPUs (Lambda rounds up to 6)
    public void Without_floor_or_cap_the_quota_is_one_vcpu_per_1769_mb(int memoryMb, long quota) =>
        Assert.Equal(quota, new CpuLimits(FloorVcpus: 0.01, HostCpus: 64).QuotaUs(memoryMb));

    [Theory]
    [InlineData(128, 25000)]     // floor 0.25 vCPU
    [InlineData(442, 25000)]     // 442 MB is 24.99 ms: still the floor
    [InlineData(1000, 56529)]    // above the floor: Lambda's proportion
    [InlineData(3538, 200000)]   // exactly the 2 host CPUs
    [InlineData(10240, 200000)]  // capped at the host's 2 CPUs
    public void The_floor_raises_small_functions_and_the_host_caps_large_ones(int memoryMb, long quota) =>
        Assert.Equal(quota, new CpuLimits(FloorVcpus: 0.25, HostCpus: 2).QuotaUs(memoryMb));

    [Fact]
    public void Quota_off_is_runcs_unlimited_and_the_default_cap_is_this_hosts_cpus()
    {
        Assert.Equal(-1, new CpuLimits(Quota: false).QuotaUs(10240));
        Assert.Equal(Environment.ProcessorCount, CpuLimits.Default.EffectiveHostCpus);
        Assert.Equal(Math.Min(Environment.ProcessorCount, 5.79), CpuLimits.Default.QuotaUs(10240) / 100_000.0, 2);
    }

    [Theory]
    [InlineData(0.0, "0.01-64")]
    [InlineData(-1.0, "0.01-64")]
    [InlineData(double.NaN, "0.01-64")]
    [InlineData(65.0, "0.01-64")]
    public void A_floor_out_of_range_is_refused_with_its_value(double floor, string expected)
    {
        var error = Assert.Single(new CpuLimits(FloorVcpus: floor).Validate());
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Empty(CpuLimits.Default.Validate());
    }

    [Fact]
    public void A_manager_refuses_invalid_cpu_settings_up_front()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            new SandboxManager(new SandboxManagerOptions("/nonexistent", "lamina-x") { Cpu = new CpuLimits(FloorVcpus: double.NaN) }));
        Assert.Contains("CPU floor NaN vCPU", e.Message, StringComparison.Ordinal);
    }
}
