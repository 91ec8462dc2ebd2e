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
        Assert.False(Directory.Exists($"/sys/fs/cgroup/pids/{h.CgroupParent}/{sandbox.Id}"));
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
            File.ReadAllText($"/sys/fs/cgroup/{controller}/{h.CgroupParent}/{sandbox.Id}/{file}").Trim();
        Assert.Equal((1769L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), Read("memory", "memory.limit_in_bytes"));
        Assert.Equal("100000", Read("cpu", "cpu.cfs_quota_us"));
        Assert.Equal("100000", Read("cpu", "cpu.cfs_period_us"));
        Assert.Equal("1024", Read("cpu", "cpu.shares"));
        Assert.Equal("1024", Read("pids", "pids.max"));
        if (File.Exists($"/sys/fs/cgroup/memory/{h.CgroupParent}/{sandbox.Id}/memory.memsw.limit_in_bytes"))
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
        static string Quota(SandboxHarness harness, SandboxHandle s) =>
            File.ReadAllText($"/sys/fs/cgroup/cpu/{harness.CgroupParent}/{s.Id}/cpu.cfs_quota_us").Trim();
        Assert.Equal("25000", Quota(h, floored)); // the default floor, 0.25 vCPU, not Lambda's 7.2 ms
        Assert.Equal("-1", Quota(off, unlimited));
    }
}
