using System.Text;
using System.Text.Json;
using Lamina.Environments.Tests.Fixtures;
using Lamina.Sandbox;

namespace Lamina.Environments.Tests;

/// <summary>Sandboxes made ahead of demand (spares): both stages become working environments, or go without a trace.</summary>
public sealed class SpareTests(PulledImageFixture image) : IClassFixture<PulledImageFixture>
{
    private static readonly FunctionConfig Echo = new("echo-fn", MemoryMb: 256, TimeoutSeconds: 30);

    [Theory]
    [InlineData(SpareStage.AgentReady, SandboxState.Frozen)]
    [InlineData(SpareStage.Created, SandboxState.Created)]
    public async Task A_spare_becomes_an_environment_whose_runtime_starts_only_at_init(SpareStage stage, SandboxState waiting)
    {
        await using var h = new EnvironmentHarness(image.AgentBinary);
        var (spare, error) = await h.Factory.PrepareAsync(EnvironmentHarness.NewId(), image.Image, Echo, stage);
        Assert.True(spare is not null, error?.ToString());
        Assert.Equal(waiting, spare!.Sandbox.State);
        // No runtime has run yet: its start-up line is not in the log.
        Assert.DoesNotContain("echo-runtime: pid", File.ReadAllText(spare.Sandbox.StderrPath));

        var (env, initError) = await h.Factory.InitAsync(spare, freeze: false);
        Assert.True(env is not null, initError?.ToString());
        h.Track(env!);
        Assert.Equal(SandboxState.Running, env!.Sandbox.State);
        Assert.True(env.Timings.OnPathMs <= env.Timings.SandboxReadyMs + 0.001);

        var (result, invokeError) = await env.InvokeAsync(Encoding.UTF8.GetBytes("{\"k\":1}"), "req-spare");
        Assert.Null(invokeError);
        var body = JsonDocument.Parse(result!.Payload).RootElement;
        Assert.Equal(1, body.GetProperty("echo").GetProperty("k").GetInt32());
        Assert.Equal(1, body.GetProperty("count").GetInt32());
        await env.SettledAsync();
        Assert.Equal("FROZEN", h.FreezerState(env));

        // Taken once: a second init is refused and changes nothing.
        var (again, againError) = await h.Factory.InitAsync(spare);
        Assert.Null(again);
        Assert.Equal(EnvironmentErrorCode.Gone, againError!.Code);
        Assert.False(await h.Factory.DiscardAsync(spare));
        Assert.Equal(SandboxState.Frozen, env.Sandbox.State);
    }

    [Theory]
    [InlineData(SpareStage.AgentReady)]
    [InlineData(SpareStage.Created)]
    public async Task A_discarded_spare_leaves_nothing_behind(SpareStage stage)
    {
        await using var h = new EnvironmentHarness(image.AgentBinary);
        var (spare, error) = await h.Factory.PrepareAsync(EnvironmentHarness.NewId(), image.Image, Echo, stage);
        Assert.True(spare is not null, error?.ToString());
        var id = spare!.Sandbox.Id;

        Assert.True(await h.Factory.DiscardAsync(spare));
        Assert.Equal(SandboxState.Destroyed, spare.Sandbox.State);
        Assert.False(Directory.Exists(h.Manager.Layout.SandboxDirectory(id)));
        Assert.False(Directory.Exists(Path.Combine(h.Manager.Layout.RuncRoot, id)));
        Assert.Empty(h.CgroupLeftovers(id));
        Assert.DoesNotContain(File.ReadAllLines("/proc/self/mountinfo"), l => l.Contains(h.DataDirectory));

        var (env, initError) = await h.Factory.InitAsync(spare);
        Assert.Null(env);
        Assert.Equal(EnvironmentErrorCode.Gone, initError!.Code);
    }

    [Fact]
    public async Task Spares_left_by_a_crashed_process_are_removed_by_recovery_at_the_next_start()
    {
        await using var h = new EnvironmentHarness(image.AgentBinary);
        var (frozen, e1) = await h.Factory.PrepareAsync(EnvironmentHarness.NewId(), image.Image, Echo);
        var (created, e2) = await h.Factory.PrepareAsync(EnvironmentHarness.NewId(), image.Image, Echo, SpareStage.Created);
        Assert.True(frozen is not null && created is not null, $"{e1} {e2}");
        var pids = new[] { frozen!.Sandbox.Pid, created!.Sandbox.Pid };

        // A new manager on the same directories (what a restarted server runs) finds and removes both.
        var report = await new SandboxManager(new SandboxManagerOptions(h.DataDirectory, h.CgroupParent)).RecoverAsync();
        Assert.Contains(frozen.Sandbox.Id, report.SandboxIds);
        Assert.Contains(created.Sandbox.Id, report.SandboxIds);
        foreach (var id in new[] { frozen.Sandbox.Id, created.Sandbox.Id })
        {
            Assert.False(Directory.Exists(h.Manager.Layout.SandboxDirectory(id)));
            Assert.Empty(h.CgroupLeftovers(id));
        }
        Assert.DoesNotContain(File.ReadAllLines("/proc/self/mountinfo"), l => l.Contains(h.DataDirectory));
        await frozen.Sandbox.Exited.WaitAsync(TimeSpan.FromMinutes(1));
        await created.Sandbox.Exited.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.All(pids, pid => Assert.False(File.Exists($"/proc/{pid}/cmdline") && File.ReadAllText($"/proc/{pid}/cmdline").Contains("lamina", StringComparison.Ordinal)));
    }
}
