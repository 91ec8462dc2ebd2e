using System.Globalization;
using Lamina.Sandbox.Host;
using Lamina.Sandbox.Tests.Fixtures;

namespace Lamina.Sandbox.Tests;

/// <summary>
/// The cgroup v2 layout's process operations against the kernel: real processes moved into cgroups under the
/// host's real cgroup2 mount (see <see cref="UnifiedCgroupParent"/>), frozen, thawed, killed, listed, removed.
/// </summary>
public sealed class CgroupV2ProcessTests : UnifiedCgroupTest
{
    [Fact]
    public async Task Freeze_stops_every_task_until_thaw()
    {
        var shell = Cg.StartIn("spin", "while :; do :; done");
        await UnifiedCgroupParent.WaitUntil(() => CpuTicks(shell.Id) > 0, "the spinning shell to use some CPU");
        Assert.False(Cg.Layout.Frozen(Cg.Parent, "spin"));

        Assert.Null(await Cg.Layout.FreezeAsync(Cg.Parent, "spin", TimeSpan.FromSeconds(30)));
        Assert.Equal(1, Cg.Event("spin", "frozen"));
        Assert.True(Cg.Layout.Frozen(Cg.Parent, "spin"));
        Assert.Equal("1", File.ReadAllText(Path.Combine(Cg.Dir("spin"), "cgroup.freeze")).Trim());
        // A frozen task gets no CPU at all, however loaded the machine: its CPU time stands still.
        var frozenAt = CpuTicks(shell.Id);
        await Task.Delay(300);
        Assert.Equal(frozenAt, CpuTicks(shell.Id));
        Assert.False(shell.HasExited);

        Assert.Null(await Cg.Layout.ThawAsync(Cg.Parent, "spin"));
        Assert.Equal(0, Cg.Event("spin", "frozen"));
        Assert.False(Cg.Layout.Frozen(Cg.Parent, "spin"));
        await UnifiedCgroupParent.WaitUntil(() => CpuTicks(shell.Id) > frozenAt, "the thawed shell to run again");
    }

    [Fact]
    public async Task Kill_ends_a_frozen_group_and_a_forking_loop_and_keeps_the_cgroup()
    {
        var sleeper = Cg.StartIn("sleepers", "sleep 600 & sleep 600 & wait");
        await UnifiedCgroupParent.WaitUntil(() => Cg.Pids("sleepers").Count == 3, "the shell and its two children in the cgroup");
        Assert.Null(await Cg.Layout.FreezeAsync(Cg.Parent, "sleepers", TimeSpan.FromSeconds(30)));
        // A fork loop: children keep being born while the kill runs (cgroup.kill marks the cgroup first).
        var forker = Cg.StartIn("forker", "while :; do sleep 0.05 & done");
        await UnifiedCgroupParent.WaitUntil(() => Cg.Pids("forker").Count > 1, "the loop's first children");

        Assert.True(await Cg.Layout.KillAllAsync(Cg.Parent, "sleepers", TimeSpan.FromSeconds(30)));
        Assert.True(await Cg.Layout.KillAllAsync(Cg.Parent, "forker", TimeSpan.FromSeconds(30)));

        foreach (var id in new[] { "sleepers", "forker" })
        {
            Assert.Empty(Cg.Pids(id));
            Assert.Equal(0, Cg.Event(id, "populated"));
            Assert.True(Directory.Exists(Cg.Dir(id)), "kill keeps the cgroup (its counters stay readable)");
            Assert.Equal("0", File.ReadAllText(Path.Combine(Cg.Dir(id), "cgroup.freeze")).Trim());
        }
        Assert.True(sleeper.WaitForExit(60_000));
        Assert.True(forker.WaitForExit(60_000));
        Assert.Equal(137, sleeper.ExitCode);
    }

    [Fact]
    public async Task Without_cgroup_kill_signalling_each_listed_pid_ends_a_frozen_group_and_a_forking_loop()
    {
        // The path for kernels before 5.14, run on this one's real cgroups with cgroup.kill left unused.
        var layout = new CgroupV2Layout(UnifiedCgroupParent.UnifiedRoot, requiredControllers: []) { UseCgroupKill = false };
        var sleeper = Cg.StartIn("old-sleepers", "sleep 600 & sleep 600 & wait");
        await UnifiedCgroupParent.WaitUntil(() => Cg.Pids("old-sleepers").Count == 3, "the shell and its two children in the cgroup");
        Assert.Null(await layout.FreezeAsync(Cg.Parent, "old-sleepers", TimeSpan.FromSeconds(30)));
        var forker = Cg.StartIn("old-forker", "while :; do sleep 0.05 & done");
        await UnifiedCgroupParent.WaitUntil(() => Cg.Pids("old-forker").Count > 1, "the loop's first children");

        Assert.True(await layout.KillAllAsync(Cg.Parent, "old-sleepers", TimeSpan.FromSeconds(60)));
        Assert.True(await layout.KillAllAsync(Cg.Parent, "old-forker", TimeSpan.FromSeconds(60)));
        foreach (var id in new[] { "old-sleepers", "old-forker" })
        {
            Assert.Empty(Cg.Pids(id));
            Assert.Equal(0, Cg.Event(id, "populated"));
        }
        Assert.True(sleeper.WaitForExit(60_000));
        Assert.True(forker.WaitForExit(60_000));
        Assert.Equal(137, sleeper.ExitCode);
    }

    [Fact]
    public async Task Children_are_listed_and_removed_with_their_processes_and_the_empty_parent_goes_last()
    {
        var a = Cg.StartIn("sandbox-a", "sleep 600");
        Cg.StartIn("sandbox-b", "sleep 600");
        Directory.CreateDirectory(Path.Combine(Cg.Dir("sandbox-b"), "nested")); // a leftover's sub-cgroup
        Assert.Equal(["sandbox-a", "sandbox-b"], Cg.Layout.ChildIds(Cg.Parent).Order(StringComparer.Ordinal));
        Assert.Equal([Cg.Dir("sandbox-a")], Cg.Layout.Directories(Cg.Parent, "sandbox-a"));

        Assert.Empty(await Cg.Layout.KillAndRemoveAsync(Cg.Parent, "sandbox-a", TimeSpan.FromSeconds(30)));
        Assert.False(Directory.Exists(Cg.Dir("sandbox-a")));
        Assert.True(a.WaitForExit(60_000));
        Cg.Layout.RemoveParentIfEmpty(Cg.Parent);
        Assert.True(Directory.Exists(Path.Combine(UnifiedCgroupParent.UnifiedRoot, Cg.Parent)), "sandbox-b is still under it");

        Assert.Empty(await Cg.Layout.KillAndRemoveAsync(Cg.Parent, "sandbox-b", TimeSpan.FromSeconds(30)));
        Assert.Empty(Cg.Layout.ChildIds(Cg.Parent));
        Cg.Layout.RemoveParentIfEmpty(Cg.Parent);
        Assert.False(Directory.Exists(Path.Combine(UnifiedCgroupParent.UnifiedRoot, Cg.Parent)));
        // Nothing left is not an error: a second remove and a listing of the missing parent are empty.
        Assert.Empty(await Cg.Layout.KillAndRemoveAsync(Cg.Parent, "sandbox-b", TimeSpan.FromSeconds(30)));
        Assert.Empty(Cg.Layout.ChildIds(Cg.Parent));
    }

    [Fact]
    public async Task Operations_on_a_missing_cgroup_answer_errors_or_unknown_never_throw()
    {
        var freeze = await Cg.Layout.FreezeAsync(Cg.Parent, "missing", TimeSpan.FromSeconds(5));
        Assert.Contains(Cg.Dir("missing"), freeze);
        Assert.Contains(Cg.Dir("missing"), await Cg.Layout.ThawAsync(Cg.Parent, "missing"));
        Assert.True(await Cg.Layout.KillAllAsync(Cg.Parent, "missing", TimeSpan.FromSeconds(5)), "nothing to kill");
        Assert.Equal(0, Cg.Layout.OomKillCount(Cg.Parent, "missing"));
        Assert.Equal(0, Cg.Layout.PidsLimitHits(Cg.Parent, "missing"));
        Assert.Null(Cg.Layout.PeakMemoryBytes(Cg.Parent, "missing"));
        Assert.Empty(Cg.Layout.Directories(Cg.Parent, "missing"));
    }

    [Fact]
    public async Task Without_the_controllers_counters_read_unknown_and_the_cpu_quota_is_an_error()
    {
        // This mount has no memory, pids or cpu controller: their files do not exist in a child cgroup.
        Cg.StartIn("bare", "sleep 600");
        Assert.Equal(0, Cg.Layout.OomKillCount(Cg.Parent, "bare"));
        Assert.Equal(0, Cg.Layout.PidsLimitHits(Cg.Parent, "bare"));
        Assert.Null(Cg.Layout.PeakMemoryBytes(Cg.Parent, "bare"));
        var quota = await Cg.Layout.WriteCpuQuotaAsync(Cg.Parent, "bare", 25_000);
        Assert.NotNull(quota);
        Assert.Contains("cpu.max", quota);
    }

    // utime + stime of the process, in clock ticks (/proc/PID/stat fields 14 and 15).
    private static long CpuTicks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }
}
