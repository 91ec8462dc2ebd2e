using Lamina.Sandbox.Host;
using Lamina.Sandbox.Tests.Fixtures;

namespace Lamina.Sandbox.Tests;

/// <summary>
/// Choosing the cgroup layout from the file system type, the start-up check for the controllers a v2 host must
/// offer, and the manager's recovery going through the v2 layout, all on this host's real mounts.
/// </summary>
public sealed class CgroupV2LayoutTests
{
    [Fact]
    public void The_layout_follows_the_file_system_type_of_the_cgroup_root()
    {
        Assert.True(CgroupLayout.IsUnified(UnifiedCgroupParent.UnifiedRoot), $"{UnifiedCgroupParent.UnifiedRoot} is a cgroup2 mount on the CI host");
        var unified = Assert.IsType<CgroupV2Layout>(CgroupLayout.Detect(UnifiedCgroupParent.UnifiedRoot));
        Assert.Equal(UnifiedCgroupParent.UnifiedRoot, unified.Root);
        Assert.True(unified.Unified);

        // The host's own choice agrees with the mount table (a tmpfs of v1 hierarchies here, cgroup2 on Debian 12).
        var hostIsCgroup2 = File.ReadAllLines("/proc/self/mounts").Select(l => l.Split(' '))
            .LastOrDefault(f => f[1] == CgroupLayout.HostRoot)?[2] == "cgroup2";
        Assert.Equal(hostIsCgroup2, CgroupLayout.Host.Unified);
        Assert.Equal(hostIsCgroup2, CgroupLayout.Detect(CgroupLayout.HostRoot) is CgroupV2Layout);

        Assert.False(CgroupLayout.IsUnified("/proc"));
        Assert.False(CgroupLayout.IsUnified("/nonexistent-" + Guid.NewGuid().ToString("N")));
        Assert.Same(CgroupV1Layout.Instance, CgroupLayout.Detect("/proc"));
    }

    [Fact]
    public void A_missing_required_controller_is_named_and_the_manager_refuses_to_start()
    {
        var offered = File.ReadAllText(Path.Combine(UnifiedCgroupParent.UnifiedRoot, "cgroup.controllers")).Split(CgroupLayout.WordSeparators, StringSplitOptions.RemoveEmptyEntries);
        Assert.True(!offered.Contains("memory"), "this test needs a cgroup2 mount without the memory controller (the hybrid CI host's)");
        var layout = new CgroupV2Layout(UnifiedCgroupParent.UnifiedRoot);
        var problem = layout.CheckHost();
        Assert.NotNull(problem);
        Assert.Contains("'memory'", problem);
        Assert.Contains(UnifiedCgroupParent.UnifiedRoot, problem);

        var data = Directory.CreateTempSubdirectory("lamina-v2check-").FullName;
        try
        {
            var e = Assert.Throws<InvalidOperationException>(() => new SandboxManager(new SandboxManagerOptions(data, "lamina-v2check"), layout));
            Assert.Contains("'memory'", e.Message);
            Assert.Empty(Directory.GetFileSystemEntries(data)); // refused before touching anything
        }
        finally { Directory.Delete(data, recursive: true); }

        // What is offered passes; a root that is no cgroup at all is an error that names the file.
        Assert.Null(new CgroupV2Layout(UnifiedCgroupParent.UnifiedRoot, offered).CheckHost());
        Assert.Contains("cgroup.controllers", new CgroupV2Layout("/proc").CheckHost());
    }

    [Fact]
    public void Preparing_a_parent_that_cannot_enable_a_controller_is_an_error_naming_it()
    {
        var layout = new CgroupV2Layout(UnifiedCgroupParent.UnifiedRoot, ["memory"]);
        var parent = "lamina-v2prep-" + Guid.NewGuid().ToString("N")[..10];
        try
        {
            var error = layout.PrepareParent(parent);
            Assert.NotNull(error);
            Assert.Contains("+memory", error);
        }
        finally { layout.RemoveParentIfEmpty(parent); }
        Assert.False(Directory.Exists(Path.Combine(UnifiedCgroupParent.UnifiedRoot, parent)));
    }

    [Fact]
    public void Swap_is_limited_only_where_the_kernel_accounts_it()
    {
        using var cg = new UnifiedCgroupParent();
        // No memory controller on this mount, so no memory.swap.max under the parent: no swap limit in the spec.
        Assert.False(cg.Layout.SwapAccounting(cg.Parent));
        Assert.Null(CgroupV1Layout.Instance.SwapAccounting(cg.Parent)); // v1 keeps deciding from memory.memsw.*

        var request = new SandboxRequest("fn-1", ["/layers/top"], new ImageProcessConfig(["/bin/app"], [], "/", []), null,
            new LambdaEnvironment("fn", "1", "eu-west-1", "app.handler"), new Dictionary<string, string>(), MemoryMb: 256, EphemeralStorageMb: 512);
        Assert.Null(Spec.SpecBuilder.Build(request, "/c", "lamina", swapAccounting: false).Linux.Resources.Memory.Swap);
        Assert.Equal(256L * 1024 * 1024, Spec.SpecBuilder.Build(request, "/c", "lamina", swapAccounting: true).Linux.Resources.Memory.Swap);
    }

    [Fact]
    public async Task Recovery_finds_and_removes_leftover_sandbox_cgroups_on_v2()
    {
        using var cg = new UnifiedCgroupParent();
        var leftover = cg.StartIn("leftover-1", "exec sleep 600");
        Directory.CreateDirectory(cg.Dir("Not_Ours")); // not a valid id: not ours to kill
        await UnifiedCgroupParent.WaitUntil(() => File.ReadAllText($"/proc/{leftover.Id}/comm").Trim() == "sleep", "the leftover's sleep");
        Assert.Equal([leftover.Id], cg.Pids("leftover-1"));
        Assert.Null(await cg.Layout.FreezeAsync(cg.Parent, "leftover-1", TimeSpan.FromSeconds(30)));
        var data = Directory.CreateTempSubdirectory("lamina-v2recover-").FullName;
        try
        {
            var manager = new SandboxManager(new SandboxManagerOptions(data, cg.Parent), cg.Layout);
            var report = await manager.RecoverAsync();
            Assert.Contains("leftover-1", report.SandboxIds);
            Assert.Empty(report.Problems);
            Assert.False(Directory.Exists(cg.Dir("leftover-1")));
            Assert.True(leftover.WaitForExit(60_000), "the frozen leftover process was killed");
            Assert.True(Directory.Exists(cg.Dir("Not_Ours")));
        }
        finally
        {
            Directory.Delete(cg.Dir("Not_Ours"));
            Directory.Delete(data, recursive: true);
        }
    }
}
