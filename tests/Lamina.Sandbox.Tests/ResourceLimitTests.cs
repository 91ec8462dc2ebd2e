using System.Diagnostics;
using Lamina.Sandbox.Tests.Fixtures;

namespace Lamina.Sandbox.Tests;

/// <summary>Memory, pids and CPU limits come from the function's configuration.</summary>
public sealed class ResourceLimitTests
{
    [Theory]
    [MemberData(nameof(Runtimes.Both), MemberType = typeof(Runtimes))]
    public async Task A_memory_hog_is_killed_and_reported_as_out_of_memory(OciRuntime runtime)
    {
        await using var h = new SandboxHarness(runtime: runtime);
        var (exit, output) = await h.RunAsync(SandboxHarness.Request("/bin/probe", "memhog") with { MemoryMb = 128 });
        Assert.Equal(SandboxExitReason.OutOfMemory, exit.Reason);
        Assert.True(exit.OomKills >= 1);
        Assert.DoesNotContain("allocated 192 MB", output);
    }

    [Theory]
    [MemberData(nameof(Runtimes.Both), MemberType = typeof(Runtimes))]
    public async Task A_normal_exit_is_not_reported_as_out_of_memory(OciRuntime runtime)
    {
        await using var h = new SandboxHarness(runtime: runtime);
        var (exit, _) = await h.RunAsync("/bin/true");
        Assert.Equal(SandboxExitReason.Exited, exit.Reason);
        Assert.Equal(0, exit.OomKills);
    }

    [Theory]
    [MemberData(nameof(Runtimes.Both), MemberType = typeof(Runtimes))]
    public async Task A_fork_bomb_is_contained_by_the_pids_limit(OciRuntime runtime)
    {
        await using var h = new SandboxHarness(runtime: runtime);
        var sandbox = await h.StartAsync(SandboxHarness.Request("/bin/probe", "forkbomb") with { PidsLimit = 64 });
        await SandboxHarness.Eventually(() => SandboxHarness.Output(sandbox).Contains("forks="), "the fork bomb to hit its limit");
        var output = SandboxHarness.Output(sandbox);
        Assert.Contains("errno=EAGAIN", output);
        var forks = int.Parse(output.Split("forks=")[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(forks, 1, 63);
        var hits = h.Manager.PidsLimitHits(sandbox);
        Assert.True(hits >= 1);
        // Destroy removes the cgroup the count lives in; the count stays readable (an environment replaced after a
        // timeout is often destroyed before anyone asks).
        Assert.Null(await h.Manager.DestroyAsync(sandbox));
        Assert.Empty(SandboxCgroups.Directories(h.CgroupParent, sandbox.Id));
        Assert.True(h.Manager.PidsLimitHits(sandbox) >= hits);
        // The host still forks.
        using var p = Process.Start("/bin/true")!;
        await p.WaitForExitAsync();
        Assert.Equal(0, p.ExitCode);
    }

    [Theory]
    [MemberData(nameof(Runtimes.Both), MemberType = typeof(Runtimes))]
    public async Task Cgroup_limits_follow_memory_size(OciRuntime runtime)
    {
        await using var h = new SandboxHarness(runtime: runtime);
        var sandbox = await h.StartAsync(SandboxHarness.Request("/bin/probe", "sleep") with { MemoryMb = 1769 });
        string Read(string controller, string file) =>
            File.ReadAllText(SandboxCgroups.ControlFile(h.CgroupParent, sandbox.Id, controller, file)).Trim();
        var memory = (1769L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("1024", Read("pids", "pids.max"));
        Assert.Equal(100_000, SandboxCgroups.CpuQuotaUs(h.CgroupParent, sandbox.Id));
        if (SandboxCgroups.Unified)
        {
            // v2 names: memory.max, cpu.max "quota period", cpu.weight (runc and crun map shares 1024 to weight
            // each by its own formula, so only "set, not the default 100" is asserted), memory.swap.max 0 (no swap).
            Assert.Equal(memory, Read("memory", "memory.max"));
            Assert.Equal("100000 100000", Read("cpu", "cpu.max"));
            Assert.NotEqual("100", Read("cpu", "cpu.weight"));
            if (File.Exists(SandboxCgroups.ControlFile(h.CgroupParent, sandbox.Id, "memory", "memory.swap.max")))
                Assert.Equal("0", Read("memory", "memory.swap.max"));
            return;
        }
        Assert.Equal(memory, Read("memory", "memory.limit_in_bytes"));
        Assert.Equal("100000", Read("cpu", "cpu.cfs_quota_us"));
        Assert.Equal("100000", Read("cpu", "cpu.cfs_period_us"));
        Assert.Equal("1024", Read("cpu", "cpu.shares"));
        if (File.Exists(SandboxCgroups.ControlFile(h.CgroupParent, sandbox.Id, "memory", "memory.memsw.limit_in_bytes")))
            Assert.Equal(Read("memory", "memory.limit_in_bytes"), Read("memory", "memory.memsw.limit_in_bytes"));
    }

    [Theory]
    [MemberData(nameof(Runtimes.Both), MemberType = typeof(Runtimes))]
    public async Task The_cpu_floor_and_the_quota_switch_reach_the_cgroup(OciRuntime runtime)
    {
        await using var h = new SandboxHarness(runtime: runtime);
        await using var off = new SandboxHarness(new CpuLimits(Quota: false), runtime);
        var floored = await h.StartAsync(SandboxHarness.Request("/bin/probe", "sleep") with { MemoryMb = 128 });
        var unlimited = await off.StartAsync(SandboxHarness.Request("/bin/probe", "sleep") with { MemoryMb = 128 });
        Assert.Equal(25_000, SandboxCgroups.CpuQuotaUs(h.CgroupParent, floored.Id)); // the default floor, 0.25 vCPU, not Lambda's 7.2 ms
        Assert.Equal(-1, SandboxCgroups.CpuQuotaUs(off.CgroupParent, unlimited.Id)); // v1 -1, v2 "max"
    }
}
