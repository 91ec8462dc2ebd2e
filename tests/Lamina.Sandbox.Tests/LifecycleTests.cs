using Lamina.Sandbox.Tests.Fixtures;

namespace Lamina.Sandbox.Tests;

/// <summary>Freeze, thaw, stop and destroy, and what destroy leaves behind: nothing.</summary>
public sealed class LifecycleTests
{
    private static long LastCount(SandboxHandle s)
    {
        var lines = File.ReadAllLines(s.StdoutPath).Where(l => l.Length > 0).ToArray();
        return lines.Length == 0 ? -1 : long.Parse(lines[^1], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>`runc state` (or `crun state`) as the runtime itself reports it.</summary>
    internal static string RuncState(SandboxHarness h, string id)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(Runtimes.PathOf(h.Runtime)) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--root", h.RuntimeRoot, "state", id }) psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return output;
    }

    [Theory]
    [MemberData(nameof(Runtimes.Both), MemberType = typeof(Runtimes))]
    public async Task A_frozen_sandbox_does_not_advance_and_resumes_when_thawed(OciRuntime runtime)
    {
        await using var h = new SandboxHarness(runtime: runtime);
        var sandbox = await h.StartAsync("/bin/probe", "counter");
        await SandboxHarness.Eventually(() => LastCount(sandbox) >= 3, "the counter to run");

        Assert.Null(await h.Manager.FreezeAsync(sandbox));
        Assert.Equal(SandboxState.Frozen, sandbox.State);
        var frozenAt = LastCount(sandbox);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(frozenAt, LastCount(sandbox));
        Assert.True(SandboxCgroups.Frozen(h.CgroupParent, sandbox.Id)); // freezer.state FROZEN on v1, cgroup.events frozen 1 on v2
        // The freezer is written directly, not through runc pause: runc must still see the container paused.
        Assert.Contains("\"status\": \"paused\"", RuncState(h, sandbox.Id), StringComparison.Ordinal);

        Assert.Null(await h.Manager.ThawAsync(sandbox));
        Assert.Equal(SandboxState.Running, sandbox.State);
        Assert.Contains("\"status\": \"running\"", RuncState(h, sandbox.Id), StringComparison.Ordinal);
        await SandboxHarness.Eventually(() => LastCount(sandbox) > frozenAt + 2, "the counter to resume");
    }

    [Theory]
    [MemberData(nameof(Runtimes.Both), MemberType = typeof(Runtimes))]
    public async Task Transitions_not_allowed_by_the_state_are_refused(OciRuntime runtime)
    {
        await using var h = new SandboxHarness(runtime: runtime);
        var created = await h.Manager.CreateAsync(SandboxHarness.Request("/bin/probe", "sleep"));
        Assert.True(created.Ok, created.Error?.ToString());
        var sandbox = created.Value;
        try
        {
            Assert.Equal(SandboxErrorCode.InvalidState, (await h.Manager.FreezeAsync(sandbox))?.Code);
            Assert.Equal(SandboxErrorCode.InvalidState, (await h.Manager.ThawAsync(sandbox))?.Code);
            Assert.Null(await h.Manager.StartAsync(sandbox));
            Assert.Equal(SandboxErrorCode.InvalidState, (await h.Manager.StartAsync(sandbox))?.Code);
        }
        finally { await h.Manager.DestroyAsync(sandbox); }
        Assert.Equal(SandboxErrorCode.InvalidState, (await h.Manager.StartAsync(sandbox))?.Code);
    }

    [Theory]
    [MemberData(nameof(Runtimes.Both), MemberType = typeof(Runtimes))]
    public async Task Stop_kills_a_process_that_ignores_sigterm_after_the_grace_period(OciRuntime runtime)
    {
        await using var h = new SandboxHarness(runtime: runtime);
        // pid 1 of a pid namespace ignores SIGTERM unless it installs a handler; probe does not.
        var sandbox = await h.StartAsync("/bin/probe", "sleep");
        var stopped = await h.Manager.StopAsync(sandbox, TimeSpan.FromMilliseconds(300));
        Assert.True(stopped.Ok, stopped.Error?.ToString());
        Assert.Equal(SandboxExitReason.Stopped, stopped.Value.Reason);
        Assert.Equal(SandboxState.Stopped, sandbox.State);
        Assert.True(sandbox.Exited.IsCompleted);
    }

    [Theory]
    [MemberData(nameof(Runtimes.Both), MemberType = typeof(Runtimes))]
    public async Task Stop_lets_a_process_that_handles_sigterm_exit_and_works_on_a_frozen_sandbox(OciRuntime runtime)
    {
        await using var h = new SandboxHarness(runtime: runtime);
        var sandbox = await h.StartAsync("/bin/sh", "-c", "trap 'echo got-term; exit 0' TERM; echo ready; while true; do sleep 1; done");
        await SandboxHarness.Eventually(() => SandboxHarness.Output(sandbox).Contains("ready"), "the shell to start");
        Assert.Null(await h.Manager.FreezeAsync(sandbox));
        var stopped = await h.Manager.StopAsync(sandbox, TimeSpan.FromSeconds(60));
        Assert.True(stopped.Ok, stopped.Error?.ToString());
        Assert.Contains("got-term", SandboxHarness.Output(sandbox));
    }

    [Theory]
    [MemberData(nameof(Runtimes.Both), MemberType = typeof(Runtimes))]
    public async Task Stop_works_on_a_created_but_never_started_sandbox(OciRuntime runtime)
    {
        await using var h = new SandboxHarness(runtime: runtime);
        var created = await h.Manager.CreateAsync(SandboxHarness.Request("/bin/probe", "sleep"));
        Assert.True(created.Ok, created.Error?.ToString());
        try
        {
            var stopped = await h.Manager.StopAsync(created.Value, TimeSpan.FromSeconds(30));
            Assert.True(stopped.Ok, stopped.Error?.ToString());
            Assert.Equal(SandboxExitReason.Stopped, stopped.Value.Reason);
            Assert.Equal(SandboxErrorCode.InvalidState, (await h.Manager.StartAsync(created.Value))?.Code);
        }
        finally { Assert.Null(await h.Manager.DestroyAsync(created.Value)); }
    }

    [Theory]
    [MemberData(nameof(Runtimes.Both), MemberType = typeof(Runtimes))]
    public async Task Destroy_leaves_nothing_behind(OciRuntime runtime)
    {
        await using var h = new SandboxHarness(runtime: runtime);
        var sandbox = await h.StartAsync("/bin/sh", "-c", "/bin/probe sleep & /bin/probe sleep & echo started; wait");
        await SandboxHarness.Eventually(() => SandboxHarness.Output(sandbox).Contains("started"), "the sandbox to start");
        Assert.Null(await h.Manager.FreezeAsync(sandbox));
        var pid = sandbox.Pid;
        var cgroupPids = SandboxCgroups.ProcessIds(h.CgroupParent, sandbox.Id).Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(cgroupPids.Count >= 3, $"{cgroupPids.Count} pids in the sandbox's cgroup");

        Assert.Null(await h.Manager.DestroyAsync(sandbox));

        Assert.Equal(SandboxState.Destroyed, sandbox.State);
        AssertNothingLeft(h, sandbox.Id);
        foreach (var p in cgroupPids.Append(pid.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            Assert.False(IsAlive(p), $"process {p} survived: " + Status(p));
        Assert.Null(await h.Manager.DestroyAsync(sandbox)); // idempotent
    }

    [Theory]
    [MemberData(nameof(Runtimes.Both), MemberType = typeof(Runtimes))]
    public async Task A_new_manager_cleans_sandboxes_left_by_a_crashed_one(OciRuntime runtime)
    {
        await using var h = new SandboxHarness(runtime: runtime);
        var crashed = new SandboxManager(h.Options);
        var created = await crashed.CreateAsync(SandboxHarness.Request("/bin/probe", "sleep"));
        Assert.True(created.Ok, created.Error?.ToString());
        var running = created.Value;
        Assert.Null(await crashed.StartAsync(running));
        var frozen = (await crashed.CreateAsync(SandboxHarness.Request("/bin/probe", "sleep"))).Value!;
        Assert.Null(await crashed.StartAsync(frozen));
        Assert.Null(await crashed.FreezeAsync(frozen));
        var createdOnly = (await crashed.CreateAsync(SandboxHarness.Request("/bin/probe", "sleep"))).Value!;
        // The "crash": the manager object is dropped without destroying anything.

        var report = await new SandboxManager(h.Options).RecoverAsync();

        Assert.Empty(report.Problems);
        foreach (var s in new[] { running, frozen, createdOnly })
        {
            Assert.Contains(s.Id, report.SandboxIds);
            AssertNothingLeft(h, s.Id);
            Assert.False(IsAlive(s.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)), "process survived: " + Status(s.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    [Theory]
    [InlineData(OciRuntime.Crun, OciRuntime.Runc)]
    [InlineData(OciRuntime.Runc, OciRuntime.Crun)]
    public async Task Recovery_with_one_runtime_removes_what_the_other_left(OciRuntime crashedWith, OciRuntime recoverWith)
    {
        await using var h = new SandboxHarness(runtime: crashedWith);
        var crashed = new SandboxManager(h.Options);
        var running = (await crashed.CreateAsync(SandboxHarness.Request("/bin/probe", "sleep"))).Value!;
        Assert.Null(await crashed.StartAsync(running));
        var createdOnly = (await crashed.CreateAsync(SandboxHarness.Request("/bin/probe", "sleep"))).Value!;
        Assert.True(Directory.Exists(Path.Combine(h.RuntimeRoot, running.Id)), "no state in " + h.RuntimeRoot);

        // The server restarts with the other runtime configured.
        var report = await new SandboxManager(h.Options with { Runtime = recoverWith }).RecoverAsync();

        Assert.Empty(report.Problems);
        foreach (var s in new[] { running, createdOnly })
        {
            Assert.Contains(s.Id, report.SandboxIds);
            AssertNothingLeft(h, s.Id);
            Assert.False(IsAlive(s.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)), "process survived");
        }
    }

    private static string Status(string pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/status"); }
        catch (IOException) { return "gone"; }
    }

    /// <summary>True while the process exists and is not a zombie waiting for its parent to reap it.</summary>
    internal static bool IsAlive(string pid)
    {
        var status = Status(pid);
        return status != "gone" && !status.Contains("State:\tZ", StringComparison.Ordinal);
    }

    internal static void AssertNothingLeft(SandboxHarness h, string id)
    {
        var dir = h.Manager.Layout.SandboxDirectory(id);
        Assert.DoesNotContain(File.ReadAllLines("/proc/self/mountinfo"), l => l.Contains(dir, StringComparison.Ordinal));
        Assert.False(Directory.Exists(dir), "sandbox directory left");
        Assert.False(Directory.Exists(Path.Combine(h.RuntimeRoot, id)), h.Runtime.Name() + " state left");
        Assert.Empty(SandboxCgroups.Directories(h.CgroupParent, id)); // every v1 hierarchy, or the one v2 directory
    }
}
