namespace Lamina.Sandbox.Host;

/// <summary>
/// Whether this host mounts cgroups the "hybrid" way with a controller on the cgroup2 side — v1 hierarchies under
/// a tmpfs /sys/fs/cgroup plus a cgroup2 /sys/fs/cgroup/unified whose cgroup.controllers is not empty (here:
/// hugetlb, which has no v1 hierarchy). runc ignores the cgroup2 side; crun 1.8 refuses to create any container
/// there ("cgroups in hybrid mode not supported"). Lamina's sandboxes use only the v1 hierarchies, so
/// <see cref="Runc.RuncCli"/> runs crun create in a private mount namespace without the cgroup2 mount, where crun
/// sees plain cgroup v1 (legacy mode).
/// </summary>
internal static class HybridCgroups
{
    private const string Unified = "/sys/fs/cgroup/unified";

    /// <summary>True when crun create must not see /sys/fs/cgroup/unified (see the type's remarks).</summary>
    public static bool UnifiedHasControllers()
    {
        try
        {
            if (!MountTable.Under(Unified).Contains(Unified)) return false;
            return File.ReadAllText(Path.Combine(Unified, "cgroup.controllers")).Trim().Length > 0;
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }
}
