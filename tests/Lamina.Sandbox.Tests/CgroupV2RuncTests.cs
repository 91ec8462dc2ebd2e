using System.Diagnostics;
using System.Text.Json.Nodes;
using Lamina.Sandbox.Host;
using Lamina.Sandbox.Runc;
using Lamina.Sandbox.Tests.Fixtures;

namespace Lamina.Sandbox.Tests;

/// <summary>
/// Real runc and crun on a view of this host where /sys/fs/cgroup is the cgroup2 mount (a private mount namespace with
/// /sys/fs/cgroup/unified bound over it, made per call): each takes its cgroup v2 path (cgroupfs driver), as on a
/// v2-only host. The v2 layout, rooted at the same mount, must find the container's cgroup where the runtime put it,
/// and freeze, thaw and kill it in ways the runtime itself reports (paused, running, stopped). No memory/pids/cpu controller
/// exists on that mount, so the container has no limits: what this proves is the agreement on paths and states,
/// not the limits (docs/sandbox.md, "cgroup v2").
/// </summary>
public sealed class CgroupV2RuncTests : IDisposable
{
    private string _runtime = OciRuntimes.DefaultRuncPath;
    private readonly string _dir = Directory.CreateTempSubdirectory("lamina-v2runc-").FullName;
    private readonly string _parent = "lamina-v2runc-" + Guid.NewGuid().ToString("N")[..10];
    private readonly CgroupV2Layout _layout = new(UnifiedCgroupParent.UnifiedRoot, requiredControllers: []);
    // runc and crun enable every controller the mount offers (hugetlb here) in the root's subtree_control; put it back.
    private readonly string _rootSubtree = File.ReadAllText(Path.Combine(UnifiedCgroupParent.UnifiedRoot, "cgroup.subtree_control")).Trim();

    [Theory]
    [InlineData(OciRuntimes.DefaultRuncPath)]
    [InlineData(OciRuntimes.DefaultCrunPath)]
    public async Task The_runtime_on_a_v2_view_and_the_v2_layout_agree_on_the_cgroup_and_its_states(string runtime)
    {
        _runtime = runtime;
        Assert.True(File.Exists(runtime), $"{runtime} is missing (test.sh installs the runc and crun packages)");
        Assert.True(File.Exists("/bin/busybox"), "/bin/busybox is missing (test.sh installs busybox-static)");
        WriteBundle();
        var run = await RuncAsync("run", "-d", "--bundle", Path.Combine(_dir, "bundle"), "c1");
        Assert.True(run.Code == 0, "run: " + run.Output);

        Assert.Contains("c1", _layout.ChildIds(_parent));
        var cgroup = Path.Combine(UnifiedCgroupParent.UnifiedRoot, _parent, "c1");
        await UnifiedCgroupParent.WaitUntil(() => CgroupLayout.Pids(cgroup).Count > 0, "the container's init in its cgroup");

        Assert.Null(await _layout.FreezeAsync(_parent, "c1", TimeSpan.FromSeconds(30)));
        Assert.Equal("paused", await StatusAsync());
        Assert.Null(await _layout.ThawAsync(_parent, "c1"));
        Assert.Equal("running", await StatusAsync());

        Assert.Null(await _layout.FreezeAsync(_parent, "c1", TimeSpan.FromSeconds(30)));
        Assert.True(await _layout.KillAllAsync(_parent, "c1", TimeSpan.FromSeconds(30)));
        Assert.Equal("0", File.ReadAllText(Path.Combine(cgroup, "cgroup.freeze")).Trim()); // thawed, as v1's kill leaves it
        // The init leaves the cgroup (populated 0) a moment before it is a zombie the runtime can see as stopped.
        await UnifiedCgroupParent.WaitUntil(() => StatusAsync().GetAwaiter().GetResult() == "stopped", "the runtime to report the container stopped");

        var delete = await RuncAsync("delete", "c1");
        Assert.True(delete.Code == 0, "delete: " + delete.Output);
        Assert.False(Directory.Exists(cgroup), "delete removes the cgroup the layout found");
        _layout.RemoveParentIfEmpty(_parent);
        Assert.False(Directory.Exists(Path.Combine(UnifiedCgroupParent.UnifiedRoot, _parent)));
    }

    public void Dispose()
    {
        RuncAsync("delete", "--force", "c1").GetAwaiter().GetResult();
        foreach (var id in _layout.ChildIds(_parent)) _layout.KillAndRemoveAsync(_parent, id, TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        _layout.RemoveParentIfEmpty(_parent);
        var subtree = Path.Combine(UnifiedCgroupParent.UnifiedRoot, "cgroup.subtree_control");
        foreach (var c in File.ReadAllText(subtree).Split(' ', '\n', StringSplitOptions.RemoveEmptyEntries).Except(_rootSubtree.Split(' ')))
        {
            try { File.WriteAllText(subtree, "-" + c); }
            catch (IOException) { } // another cgroup still uses it: leave it on
        }
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<string> StatusAsync()
    {
        var state = await RuncAsync("state", "c1");
        Assert.True(state.Code == 0, "state: " + state.Output);
        return JsonNode.Parse(state.Output)!["status"]!.GetValue<string>();
    }

    // A busybox container without linux.resources (nothing to limit with on this mount) in a fresh bundle.
    private void WriteBundle()
    {
        var bin = Path.Combine(_dir, "bundle", "rootfs", "bin");
        Directory.CreateDirectory(bin);
        File.Copy("/bin/busybox", Path.Combine(bin, "busybox"));
        File.CreateSymbolicLink(Path.Combine(bin, "sh"), "busybox");
        File.CreateSymbolicLink(Path.Combine(bin, "sleep"), "busybox");
        var spec = Process.Start(new ProcessStartInfo(OciRuntimes.DefaultRuncPath, ["spec", "--bundle", Path.Combine(_dir, "bundle")]) { UseShellExecute = false })!;
        spec.WaitForExit();
        var file = Path.Combine(_dir, "bundle", "config.json");
        var config = JsonNode.Parse(File.ReadAllText(file))!;
        config["process"]!["terminal"] = false;
        config["process"]!["args"] = new JsonArray("/bin/sh", "-c", "sleep 600 & sleep 600");
        config["linux"]!["cgroupsPath"] = $"/{_parent}/c1";
        config["linux"]!.AsObject().Remove("resources");
        File.WriteAllText(file, config.ToJsonString());
    }

    private async Task<(int Code, string Output)> RuncAsync(params string[] args)
    {
        // rprivate first, so the bind mount cannot propagate to the host; exec leaves no shell behind. Output goes
        // to a file, not a pipe: a detached container keeps the runtime's stdio, and a pipe would never reach its end.
        var log = Path.Combine(_dir, "runc.out");
        var psi = new ProcessStartInfo("unshare", ["--mount", "sh", "-c",
            $"mount --make-rprivate / && mount --bind {UnifiedCgroupParent.UnifiedRoot} {CgroupLayout.HostRoot} && exec \"$@\" </dev/null >{log} 2>&1",
            "sh", _runtime, "--root", Path.Combine(_dir, "state"), .. args])
        { UseShellExecute = false };
        using var p = Process.Start(psi)!;
        await p.WaitForExitAsync();
        return (p.ExitCode, File.Exists(log) ? await File.ReadAllTextAsync(log) : "");
    }
}
