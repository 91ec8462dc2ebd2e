using Lamina.Sandbox.Tests.Fixtures;

namespace Lamina.Sandbox.Tests;

/// <summary>
/// Recovery removes every sandbox on the host that is not in the manager's table, and the server starts its
/// async queue and prewarming beside it: a create asked for while recovery runs must wait for it, then live.
/// Deterministic: recovery is parked between listing the host and removing anything (a test hook).
/// </summary>
public sealed class RecoveryGateTests
{
    [Fact]
    public async Task A_create_asked_for_during_recovery_waits_for_it_and_survives_it()
    {
        await using var h = new SandboxHarness();
        // What a killed server left: a created (not started) sandbox of another manager on the same host state.
        var leftover = await new SandboxManager(h.Options).CreateAsync(SandboxHarness.Request("/bin/probe", "sleep"));
        Assert.True(leftover.Ok, leftover.Error?.ToString());

        var listed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var resume = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Manager.AfterRecoveryListed = async () =>
        {
            listed.SetResult();
            await resume.Task;
        };
        var recovery = h.Manager.RecoverAsync();
        await listed.Task.WaitAsync(SandboxHarness.Patience);

        var request = SandboxHarness.Request("/bin/probe", "sleep");
        var create = h.Manager.CreateAsync(request);
        // Without the gate, CreateAsync makes the sandbox directory and mounts before its first await:
        // the directory would exist the moment the call returns.
        Assert.False(Directory.Exists(h.Manager.Layout.SandboxDirectory(request.Id)), "a sandbox was built while recovery was removing what is not in the table");
        Assert.Null(h.Manager.Find(request.Id));
        Assert.False(create.IsCompleted);

        resume.SetResult();
        var report = await recovery.WaitAsync(SandboxHarness.Patience);
        var created = await create.WaitAsync(SandboxHarness.Patience);
        Assert.True(created.Ok, created.Error?.ToString());
        Assert.Null(await h.Manager.StartAsync(created.Value));

        Assert.Contains(leftover.Value!.Id, report.SandboxIds);
        Assert.DoesNotContain(request.Id, report.SandboxIds);
        LifecycleTests.AssertNothingLeft(h, leftover.Value.Id);
        Assert.Same(created.Value, h.Manager.Find(request.Id));
        Assert.Equal(SandboxState.Running, created.Value.State);
        Assert.True(Directory.Exists(h.Manager.Layout.SandboxDirectory(request.Id)), "the new sandbox's directory is gone");
        Assert.Null(await h.Manager.DestroyAsync(created.Value));
    }

    [Fact]
    public async Task Creates_are_not_held_up_when_no_recovery_runs()
    {
        await using var h = new SandboxHarness();
        await h.Manager.RecoverAsync();
        // The gate opens again after a recovery: a later create proceeds and is kept by the next recovery.
        var sandbox = await h.StartAsync("/bin/probe", "sleep");
        var report = await h.Manager.RecoverAsync();
        Assert.DoesNotContain(sandbox.Id, report.SandboxIds);
        Assert.Equal(SandboxState.Running, sandbox.State);
    }

    [Fact]
    public async Task Releasing_the_cgroup_parent_waits_for_the_last_sandbox_then_removes_it_everywhere()
    {
        await using var h = new SandboxHarness();
        var sandbox = await h.StartAsync("/bin/probe", "sleep");
        var parents = Directory.GetDirectories("/sys/fs/cgroup").Select(d => Path.Combine(d, h.CgroupParent)).Where(Directory.Exists).ToList();
        Assert.NotEmpty(parents);

        h.Manager.ReleaseCgroupParent();
        Assert.All(parents, p => Assert.True(Directory.Exists(p), p + " removed under a live sandbox"));

        Assert.Null(await h.Manager.DestroyAsync(sandbox));
        h.Manager.ReleaseCgroupParent();
        Assert.All(parents, p => Assert.False(Directory.Exists(p), p + " left after the last sandbox"));
    }
}
