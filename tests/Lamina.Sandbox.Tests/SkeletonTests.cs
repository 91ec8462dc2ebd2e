using Lamina.Sandbox.Tests.Fixtures;

namespace Lamina.Sandbox.Tests;

/// <summary>
/// The skeleton layer (mount targets on top of the image) is shared per agent path instead of made per sandbox:
/// sharing must not let one sandbox see another's writes, and destroying one must not break the others.
/// </summary>
public sealed class SkeletonTests
{
    [Fact]
    public async Task Sandboxes_with_one_agent_path_share_one_read_only_skeleton_that_outlives_each_of_them()
    {
        await using var h = new SandboxHarness();
        var agent = new AgentMount(TestImage.ProbeHostPath, "/opt/lamina/lamina-init");
        SandboxRequest Holding() => SandboxHarness.Request("/bin/sh", "-c",
            "echo mine > /tmp/marker && ls /opt/lamina && touch /skeleton-write 2>/dev/null || echo read-only; " +
            "echo up; while [ ! -e /run/lamina/go ]; do sleep 0.05; done; cat /tmp/marker; ls /tmp") with { Agent = agent, InitPrefix = [] };

        var first = await h.StartAsync(Holding());
        var second = await h.StartAsync(Holding());
        await SandboxHarness.Eventually(() => SandboxHarness.Output(first).Contains("up") && SandboxHarness.Output(second).Contains("up"), "both sandboxes up");

        // One skeleton for both, outside either sandbox's directory (destroy removes that directory).
        var skeletons = Directory.GetDirectories(h.Manager.Layout.SkeletonsDirectory);
        var skeleton = Assert.Single(skeletons);
        Assert.False(Directory.Exists(Path.Combine(first.Directory, "skeleton")));
        Assert.True(File.Exists(Path.Combine(skeleton, "opt/lamina/lamina-init")));
        // Each sandbox's /tmp is its own tmpfs: nothing reaches the shared layer.
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(skeleton, "tmp")));
        Assert.Contains("read-only", SandboxHarness.Output(first));
        Assert.False(File.Exists(Path.Combine(skeleton, "skeleton-write")));

        // Destroying one leaves the skeleton and the other sandbox working.
        Assert.Null(await h.Manager.DestroyAsync(second));
        Assert.True(Directory.Exists(Path.Combine(skeleton, "proc")));
        await File.WriteAllTextAsync(Path.Combine(first.ControlDirectory, "go"), "");
        var exit = await h.Manager.WaitForExitAsync(first).WaitAsync(SandboxHarness.Patience);
        Assert.Equal(SandboxExitReason.Exited, exit.Reason);
        var output = SandboxHarness.Output(first);
        Assert.Contains("lamina-init", output);
        Assert.Equal(2, output.Split('\n').Count(l => l == "mine" || l == "marker"));

        // Another agent path gets its own skeleton; no agent at all gets the base one.
        var third = await h.StartAsync(SandboxHarness.Request("/bin/true") with { Agent = agent with { ContainerPath = "/opt/other/agent" }, InitPrefix = [] });
        var fourth = await h.StartAsync(SandboxHarness.Request("/bin/true") with { Agent = null, InitPrefix = [] });
        await h.Manager.WaitForExitAsync(third).WaitAsync(SandboxHarness.Patience);
        await h.Manager.WaitForExitAsync(fourth).WaitAsync(SandboxHarness.Patience);
        var names = Directory.GetDirectories(h.Manager.Layout.SkeletonsDirectory).Select(d => Path.GetFileName(d)).Order().ToList();
        Assert.Equal(3, names.Count);
        Assert.Contains("base", names);
        Assert.True(File.Exists(Path.Combine(h.Manager.Layout.SkeletonsDirectory, names.Single(n => n != "base" && n != Path.GetFileName(skeleton)), "opt/other/agent")));
    }
}
