using Lamina.Sandbox.Host;

namespace Lamina.Sandbox;

/// <summary>
/// Read access to the host cgroups of a manager's sandboxes, and cleanup of its cgroup parent, over whichever
/// layout this host has (cgroup v1 hierarchies or the v2 unified tree; chosen once per process, as the manager
/// does). For callers outside this assembly (the CLI's <c>lamina run</c> and the test fixtures) that must find a
/// sandbox's cgroup files without knowing the layout.
/// </summary>
/// <remarks>Reads never throw for a missing cgroup: they return empty, null or a path that does not exist.</remarks>
public static class SandboxCgroups
{
    /// <summary>True when this host uses cgroup v2 (one unified hierarchy).</summary>
    public static bool Unified => CgroupLayout.Host.Unified;

    /// <summary>Every existing cgroup directory of sandbox <paramref name="id"/> under <paramref name="parent"/>.</summary>
    public static IReadOnlyList<string> Directories(string parent, string id) => CgroupLayout.Host.Directories(parent, id);

    /// <summary>Every existing directory of the cgroup parent itself (v1: one per hierarchy; v2: at most one).</summary>
    public static IReadOnlyList<string> ParentDirectories(string parent) => CgroupLayout.Host.ParentDirectories(parent);

    /// <summary>Removes the cgroup parent when no sandbox cgroup is left under it (best effort, never throws).</summary>
    public static void RemoveParentIfEmpty(string parent) => CgroupLayout.Host.RemoveParentIfEmpty(parent);

    /// <summary>
    /// The path of the sandbox's control file <paramref name="file"/> of <paramref name="controller"/> ("memory",
    /// "pids", "cpu", "freezer"). The file name is the caller's: v1 and v2 name most files differently.
    /// </summary>
    public static string ControlFile(string parent, string id, string controller, string file) =>
        CgroupLayout.Host.ControlFile(parent, id, controller, file);

    /// <summary>The pids in the sandbox's cgroup (v1: the pids hierarchy); empty when it cannot be read.</summary>
    public static IReadOnlyList<int> ProcessIds(string parent, string id) =>
        CgroupLayout.Pids(Path.GetDirectoryName(ControlFile(parent, id, "pids", "cgroup.procs"))!);

    /// <summary>Whether the sandbox's cgroup reads frozen; null when it cannot be read.</summary>
    public static bool? Frozen(string parent, string id) => CgroupLayout.Host.Frozen(parent, id);

    /// <summary>The sandbox's CFS quota in µs per period, -1 for none; null when it cannot be read.</summary>
    public static long? CpuQuotaUs(string parent, string id) => CgroupLayout.Host.CpuQuotaUs(parent, id);
}
