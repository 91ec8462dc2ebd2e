using System.Text.Json;
using Lamina.Sandbox.Tests.Fixtures;

namespace Lamina.Sandbox.Tests;

/// <summary>
/// <see cref="SandboxManager.CreateAndStartAsync"/>: one call leaves a running sandbox (runc: <c>run --detach</c>, one
/// runtime process; crun: create and start), and a failed one leaves nothing.
/// </summary>
public sealed class CreateAndStartTests
{
    [Theory]
    [MemberData(nameof(Runtimes.Both), MemberType = typeof(Runtimes))]
    public async Task One_call_leaves_a_running_sandbox_that_behaves_like_a_started_one(OciRuntime runtime)
    {
        await using var h = new SandboxHarness(runtime: runtime);
        var created = await h.Manager.CreateAndStartAsync(SandboxHarness.Request("/bin/probe", "sleep"));
        Assert.True(created.Ok, created.Error?.ToString());
        var sandbox = created.Value;
        try
        {
            Assert.Equal(SandboxState.Running, sandbox.State);
            Assert.Equal("running", JsonDocument.Parse(LifecycleTests.RuncState(h, sandbox.Id)).RootElement.GetProperty("status").GetString());
            Assert.Equal(SandboxErrorCode.InvalidState, (await h.Manager.StartAsync(sandbox))?.Code);
            Assert.Null(await h.Manager.FreezeAsync(sandbox));
            Assert.Null(await h.Manager.ThawAsync(sandbox));
            Assert.False(sandbox.Exited.IsCompleted);
        }
        finally { await h.Manager.DestroyAsync(sandbox); }
        Assert.False(Directory.Exists(h.Manager.Layout.SandboxDirectory(sandbox.Id)));
    }

    [Fact]
    public async Task Runc_creates_and_starts_with_one_run_detach_and_no_start()
    {
        await using var h = new SandboxHarness();
        // A wrapper in place of runc records every command line, then runs the real runc.
        var calls = Path.Combine(h.DataDirectory, "calls.log");
        var wrapper = Path.Combine(h.DataDirectory, "runc-wrapper");
        File.WriteAllText(wrapper, $"#!/bin/sh\necho \"$*\" >> {calls}\nexec {OciRuntimes.DefaultRuncPath} \"$@\"\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var manager = new SandboxManager(h.Options with { RuncPath = wrapper, SealedRuntimeCopy = false });

        var created = await manager.CreateAndStartAsync(SandboxHarness.Request("/bin/probe", "sleep"));
        Assert.True(created.Ok, created.Error?.ToString());
        try
        {
            var lines = File.ReadAllLines(calls);
            var line = Assert.Single(lines);
            Assert.Contains(" run --detach --bundle ", line);
            Assert.EndsWith(" " + created.Value.Id, line);
            Assert.Equal(SandboxState.Running, created.Value.State);
        }
        finally { await manager.DestroyAsync(created.Value); }
    }

    [Fact]
    public async Task A_failed_run_is_a_runtime_error_and_leaves_nothing()
    {
        await using var h = new SandboxHarness();
        var request = SandboxHarness.Request("/bin/true");
        request = request with { Image = request.Image with { WorkingDir = "/no/such/directory" } };
        var created = await h.Manager.CreateAndStartAsync(request);
        Assert.False(created.Ok);
        Assert.Equal(SandboxErrorCode.RuntimeFailed, created.Error!.Code);
        Assert.Contains("runc run failed", created.Error.Message);
        Assert.Null(h.Manager.Find(request.Id));
        Assert.Empty(Directory.GetDirectories(h.Manager.Layout.SandboxesDirectory));
        Assert.Empty((await h.Manager.RecoverAsync()).Problems);
    }
}
