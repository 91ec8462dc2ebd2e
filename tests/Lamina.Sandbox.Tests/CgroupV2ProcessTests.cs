using System.Globalization;
using Lamina.Sandbox.Host;
using Lamina.Sandbox.Tests.Fixtures;

namespace Lamina.Sandbox.Tests;

/// <summary>
/// The cgroup v2 layout's process operations against the kernel: real processes moved into cgroups under the
/// host's real cgroup2 mount (see <see cref="UnifiedCgroupParent"/>), frozen, thawed, killed, listed, removed.
/// </summary>
public sealed class CgroupV2ProcessTests : IDisposable
{
    private readonly UnifiedCgroupParent _cg = new();

    public void Dispose() => _cg.Dispose();

    [Fact]
    public async Task Freeze_stops_every_task_until_thaw()
    {
        var shell = _cg.StartIn("spin", "while :; do :; done");
        await UnifiedCgroupParent.WaitUntil(() => CpuTicks(shell.Id) > 0, "the spinning shell to use some CPU");

        Assert.Null(await _cg.Layout.FreezeAsync(_cg.Parent, "spin", TimeSpan.FromSeconds(30)));
        Assert.Equal(1, _cg.Event("spin", "frozen"));
        Assert.Equal("1", File.ReadAllText(Path.Combine(_cg.Dir("spin"), "cgroup.freeze")).Trim());
        // A frozen task gets no CPU at all, however loaded the machine: its CPU time stands still.
        var frozenAt = CpuTicks(shell.Id);
        await Task.Delay(300);
        Assert.Equal(frozenAt, CpuTicks(shell.Id));
        Assert.False(shell.HasExited);

        Assert.Null(await _cg.Layout.ThawAsync(_cg.Parent, "spin"));
        Assert.Equal(0, _cg.Event("spin", "frozen"));
        await UnifiedCgroupParent.WaitUntil(() => CpuTicks(shell.Id) > frozenAt, "the thawed shell to run again");
    }

    [Fact]
    public async Task Kill_ends_a_frozen_group_and_a_forking_loop_and_keeps_the_cgroup()
    {
        var sleeper = _cg.StartIn("sleepers", "sleep 600 & sleep 600 & wait");
        await UnifiedCgroupParent.WaitUntil(() => _cg.Pids("sleepers").Count == 3, "the shell and its two children in the cgroup");
        Assert.Null(await _cg.Layout.FreezeAsync(_cg.Parent, "sleepers", TimeSpan.FromSeconds(30)));
        // A fork loop: children keep being born while the kill runs (cgroup.kill marks the cgroup first).
        var forker = _cg.StartIn("forker", "while :; do sleep 0.05 & done");
        await UnifiedCgroupParent.WaitUntil(() => _cg.Pids("forker").Count > 1, "the loop's first children");

        Assert.True(await _cg.Layout.KillAllAsync(_cg.Parent, "sleepers", TimeSpan.FromSeconds(30)));
        Assert.True(await _cg.Layout.KillAllAsync(_cg.Parent, "forker", TimeSpan.FromSeconds(30)));

        foreach (var id in new[] { "sleepers", "forker" })
        {
            Assert.Empty(_cg.Pids(id));
            Assert.Equal(0, _cg.Event(id, "populated"));
            Assert.True(Directory.Exists(_cg.Dir(id)), "kill keeps the cgroup (its counters stay readable)");
            Assert.Equal("0", File.ReadAllText(Path.Combine(_cg.Dir(id), "cgroup.freeze")).Trim());
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
        var sleeper = _cg.StartIn("old-sleepers", "sleep 600 & sleep 600 & wait");
        await UnifiedCgroupParent.WaitUntil(() => _cg.Pids("old-sleepers").Count == 3, "the shell and its two children in the cgroup");
        Assert.Null(await layout.FreezeAsync(_cg.Parent, "old-sleepers", TimeSpan.FromSeconds(30)));
        var forker = _cg.StartIn("old-forker", "while :; do sleep 0.05 & done");
        await UnifiedCgroupParent.WaitUntil(() => _cg.Pids("old-forker").Count > 1, "the loop's first children");

        Assert.True(await layout.KillAllAsync(_cg.Parent, "old-sleepers", TimeSpan.FromSeconds(60)));
        Assert.True(await layout.KillAllAsync(_cg.Parent, "old-forker", TimeSpan.FromSeconds(60)));
        foreach (var id in new[] { "old-sleepers", "old-forker" })
        {
            Assert.Empty(_cg.Pids(id));
            Assert.Equal(0, _cg.Event(id, "populated"));
        }
        Assert.True(sleeper.WaitForExit(60_000));
        Assert.True(forker.WaitForExit(60_000));
        Assert.Equal(137, sleeper.ExitCode);
    }

    [Fact]
    public async Task Children_are_listed_and_removed_with_their_processes_and_the_empty_parent_goes_last()
    {
        var a = _cg.StartIn("sandbox-a", "sleep 600");
        _cg.StartIn("sandbox-b", "sleep 600");
        Directory.CreateDirectory(Path.Combine(_cg.Dir("sandbox-b"), "nested")); // a leftover's sub-cgroup
        Assert.Equal(["sandbox-a", "sandbox-b"], _cg.Layout.ChildIds(_cg.Parent).Order(StringComparer.Ordinal));
        Assert.Equal([_cg.Dir("sandbox-a")], _cg.Layout.Directories(_cg.Parent, "sandbox-a"));

        Assert.Empty(await _cg.Layout.KillAndRemoveAsync(_cg.Parent, "sandbox-a", TimeSpan.FromSeconds(30)));
        Assert.False(Directory.Exists(_cg.Dir("sandbox-a")));
        Assert.True(a.WaitForExit(60_000));
        _cg.Layout.RemoveParentIfEmpty(_cg.Parent);
        Assert.True(Directory.Exists(Path.Combine(UnifiedCgroupParent.UnifiedRoot, _cg.Parent)), "sandbox-b is still under it");

        Assert.Empty(await _cg.Layout.KillAndRemoveAsync(_cg.Parent, "sandbox-b", TimeSpan.FromSeconds(30)));
        Assert.Empty(_cg.Layout.ChildIds(_cg.Parent));
        _cg.Layout.RemoveParentIfEmpty(_cg.Parent);
        Assert.False(Directory.Exists(Path.Combine(UnifiedCgroupParent.UnifiedRoot, _cg.Parent)));
        // Nothing left is not an error: a second remove and a listing of the missing parent are empty.
        Assert.Empty(await _cg.Layout.KillAndRemoveAsync(_cg.Parent, "sandbox-b", TimeSpan.FromSeconds(30)));
        Assert.Empty(_cg.Layout.ChildIds(_cg.Parent));
    }

    [Fact]
    public async Task Operations_on_a_missing_cgroup_answer_errors_or_unknown_never_throw()
    {
        var freeze = await _cg.Layout.FreezeAsync(_cg.Parent, "missing", TimeSpan.FromSeconds(5));
        Assert.Contains(_cg.Dir("missing"), freeze);
        Assert.Contains(_cg.Dir("missing"), await _cg.Layout.ThawAsync(_cg.Parent, "missing"));
        Assert.True(await _cg.Layout.KillAllAsync(_cg.Parent, "missing", TimeSpan.FromSeconds(5)), "nothing to kill");
        Assert.Equal(0, _cg.Layout.OomKillCount(_cg.Parent, "missing"));
        Assert.Equal(0, _cg.Layout.PidsLimitHits(_cg.Parent, "missing"));
        Assert.Null(_cg.Layout.PeakMemoryBytes(_cg.Parent, "missing"));
        Assert.Empty(_cg.Layout.Directories(_cg.Parent, "missing"));
    }

    [Fact]
    public async Task Without_the_controllers_counters_read_unknown_and_the_cpu_quota_is_an_error()
    {
        // This mount has no memory, pids or cpu controller: their files do not exist in a child cgroup.
        _cg.StartIn("bare", "sleep 600");
        Assert.Equal(0, _cg.Layout.OomKillCount(_cg.Parent, "bare"));
        Assert.Equal(0, _cg.Layout.PidsLimitHits(_cg.Parent, "bare"));
        Assert.Null(_cg.Layout.PeakMemoryBytes(_cg.Parent, "bare"));
        var quota = await _cg.Layout.WriteCpuQuotaAsync(_cg.Parent, "bare", 25_000);
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
