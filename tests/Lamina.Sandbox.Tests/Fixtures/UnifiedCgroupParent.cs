using System.Diagnostics;
using Lamina.Sandbox.Host;

namespace Lamina.Sandbox.Tests.Fixtures;

/// <summary>
/// A fresh parent under this host's real cgroup2 mount (/sys/fs/cgroup/unified on the hybrid layout CI runs on) and
/// processes moved into sandbox cgroups under it. That mount offers no memory/pids/cpu controller here, but the
/// core files (cgroup.freeze, cgroup.events, cgroup.kill, cgroup.procs) work in every non-root cgroup, so the v2
/// layout's freeze, thaw, kill, list and remove run against the kernel itself. Dispose kills every process it
/// started and removes the parent.
/// </summary>
public sealed class UnifiedCgroupParent : IDisposable
{
    /// <summary>The hybrid layout's cgroup2 mount.</summary>
    public const string UnifiedRoot = "/sys/fs/cgroup/unified";

    private readonly List<Process> _processes = [];

    /// <summary>Makes the parent (asserting the cgroup2 mount is there, with a clear message if not).</summary>
    public UnifiedCgroupParent()
    {
        Assert.True(CgroupLayout.IsUnified(UnifiedRoot),
            $"these tests need a cgroup2 mount at {UnifiedRoot} (the hybrid layout of the CI host)");
        Layout = new CgroupV2Layout(UnifiedRoot, requiredControllers: []);
        Assert.Null(Layout.PrepareParent(Parent));
    }

    /// <summary>A v2 layout rooted at the real cgroup2 mount, requiring no controller (there are none here).</summary>
    internal CgroupV2Layout Layout { get; }

    /// <summary>The parent's name (unique per fixture).</summary>
    public string Parent { get; } = "lamina-v2test-" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>The sandbox cgroup directory of <paramref name="id"/>.</summary>
    public string Dir(string id) => Path.Combine(UnifiedRoot, Parent, id);

    /// <summary>
    /// Starts <c>sh -c <paramref name="script"/></c> waiting on its stdin, moves it into the cgroup of
    /// <paramref name="id"/> (created if needed), then lets it run: everything it forks is born in the cgroup.
    /// </summary>
    public Process StartIn(string id, string script)
    {
        Directory.CreateDirectory(Dir(id));
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("read go; " + script);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start /bin/sh");
        _processes.Add(process);
        File.WriteAllText(Path.Combine(Dir(id), "cgroup.procs"), process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        process.StandardInput.WriteLine("go");
        process.StandardInput.Flush();
        return process;
    }

    /// <summary>The pids cgroup.procs of <paramref name="id"/> lists now.</summary>
    public List<int> Pids(string id) => CgroupLayout.Pids(Dir(id));

    /// <summary>A key of <paramref name="id"/>'s cgroup.events ("populated", "frozen").</summary>
    public long Event(string id, string key) => CgroupV1.ReadCounter(Path.Combine(Dir(id), "cgroup.events"), key);

    /// <summary>Waits (generously: the machine is loaded) until <paramref name="condition"/> holds.</summary>
    public static async Task WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("timed out waiting for " + what);
            await Task.Delay(20);
        }
    }

    /// <summary>Kills what is left (through cgroup.kill, then each started process) and removes the parent.</summary>
    public void Dispose()
    {
        var parent = Path.Combine(UnifiedRoot, Parent);
        if (Directory.Exists(parent))
        {
            foreach (var id in Layout.ChildIds(Parent))
                Layout.KillAndRemoveAsync(Parent, id, TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        }
        foreach (var p in _processes)
        {
            try { if (!p.HasExited) p.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { }
            p.Dispose();
        }
        Layout.RemoveParentIfEmpty(Parent);
    }
}
