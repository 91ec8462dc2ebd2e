using Lamina.Sandbox.Host;
using Lamina.Sandbox.Tests.Fixtures;

namespace Lamina.Sandbox.Tests;

/// <summary>
/// The read accessors callers outside the sandbox layer use (<see cref="SandboxCgroups"/>: `lamina run`'s cleanup and
/// the test fixtures): the v2 layout against the host's real cgroup2 mount, the v1 layout's paths, quota parsing.
/// </summary>
public sealed class CgroupLayoutReadTests : UnifiedCgroupTest
{
    // Frozen of a live sandbox, false → true → false across a freeze and a thaw: CgroupV2ProcessTests.Freeze_stops_every_task_until_thaw.
    [Fact]
    public void V2_frozen_is_null_for_a_missing_sandbox() => Assert.Null(Cg.Layout.Frozen(Cg.Parent, "absent"));

    [Fact]
    public void V2_files_live_in_the_one_sandbox_directory_whatever_the_controller()
    {
        Assert.Equal(Path.Combine(Cg.Dir("s1"), "pids.max"), Cg.Layout.ControlFile(Cg.Parent, "s1", "pids", "pids.max"));
        Assert.Equal(Path.Combine(Cg.Dir("s1"), "memory.max"), Cg.Layout.ControlFile(Cg.Parent, "s1", "memory", "memory.max"));
        // No cpu controller on this host's cgroup2 side: cpu.max is absent, so the quota is unknown, not "none".
        Directory.CreateDirectory(Cg.Dir("s1"));
        Assert.Null(Cg.Layout.CpuQuotaUs(Cg.Parent, "s1"));
    }

    [Fact]
    public void V2_parent_directories_are_the_one_parent_until_it_is_removed_empty()
    {
        var parent = Path.Combine(UnifiedCgroupParent.UnifiedRoot, Cg.Parent);
        Assert.Equal([parent], Cg.Layout.ParentDirectories(Cg.Parent));
        Directory.CreateDirectory(Cg.Dir("child"));
        Cg.Layout.RemoveParentIfEmpty(Cg.Parent);
        Assert.Equal([parent], Cg.Layout.ParentDirectories(Cg.Parent)); // a sandbox cgroup is left: kept
        Directory.Delete(Cg.Dir("child"));
        Cg.Layout.RemoveParentIfEmpty(Cg.Parent);
        Assert.Empty(Cg.Layout.ParentDirectories(Cg.Parent));
    }

    [Fact]
    public void V1_files_live_under_the_controller_hierarchy()
    {
        Assert.Equal("/sys/fs/cgroup/pids/p/s1/pids.max", CgroupV1Layout.Instance.ControlFile("p", "s1", "pids", "pids.max"));
        Assert.Equal("/sys/fs/cgroup/cpu/p/s1/cpu.cfs_quota_us", CgroupV1Layout.Instance.ControlFile("p", "s1", "cpu", "cpu.cfs_quota_us"));
        var absent = "lamina-absent-" + Guid.NewGuid().ToString("N")[..10];
        Assert.Null(CgroupV1Layout.Instance.Frozen(absent, "s1"));
        Assert.Null(CgroupV1Layout.Instance.CpuQuotaUs(absent, "s1"));
        Assert.Empty(CgroupV1Layout.Instance.ParentDirectories(absent));
    }

    [Fact]
    public void The_last_controller_of_a_newline_terminated_list_counts_as_offered()
    {
        // Regression: Split(' ', '\n', options) split on spaces only (count 10), so "cpu\n" never matched "cpu".
        var root = Directory.CreateTempSubdirectory("lamina-cgroot-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(root, "cgroup.controllers"), "memory pids cpu\n");
            Assert.Null(new CgroupV2Layout(root).CheckHost());
            File.WriteAllText(Path.Combine(root, "cgroup.controllers"), "memory pids\n");
            Assert.Contains("'cpu'", new CgroupV2Layout(root).CheckHost(), StringComparison.Ordinal);
        }
        finally { Directory.Delete(root, recursive: true); }
    }

    [Theory]
    [InlineData("max", -1L)]
    [InlineData("-1", -1L)]
    [InlineData("25000", 25_000L)]
    [InlineData("", null)]
    [InlineData(null, null)]
    [InlineData("garbage", null)]
    public void Quota_words_parse_max_and_minus_one_as_none(string? word, long? expected) =>
        Assert.Equal(expected, CgroupLayout.ParseQuota(word));
}
