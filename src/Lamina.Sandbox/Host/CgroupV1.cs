namespace Lamina.Sandbox.Host;

/// <summary>
/// Reads and cleans the sandbox cgroups runc creates under every cgroup v1 hierarchy
/// (/sys/fs/cgroup/&lt;controller&gt;/&lt;parent&gt;/&lt;id&gt;).
/// </summary>
/// <remarks>
/// cgroup v1 has no single "cgroup.kill" or oom event file: the OOM kill count comes from
/// memory.oom_control ("oom_kill N", kernel 4.13+), and killing means thawing the freezer (frozen
/// tasks cannot die) and signalling every pid listed in cgroup.procs until the group is empty.
/// </remarks>
internal static class CgroupV1
{
    public const string Root = "/sys/fs/cgroup";

    /// <summary>Every existing directory for parent/id, across all mounted hierarchies.</summary>
    public static List<string> Directories(string parent, string id) =>
        Hierarchies().Select(h => Path.Combine(h, parent, id)).Where(Directory.Exists).ToList();

    /// <summary>Sandbox ids with a cgroup directory under the parent in any hierarchy.</summary>
    public static HashSet<string> ChildIds(string parent)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var h in Hierarchies())
        {
            var dir = Path.Combine(h, parent);
            if (Directory.Exists(dir)) ids.UnionWith(Directory.GetDirectories(dir).Select(Path.GetFileName)!);
        }
        return ids;
    }

    /// <summary>Number of processes the kernel's OOM killer killed in the sandbox (0 when unknown).</summary>
    public static long OomKillCount(string parent, string id) =>
        ReadCounter(Path.Combine(Root, "memory", parent, id, "memory.oom_control"), "oom_kill");

    /// <summary>How often a fork was refused by the pids limit (pids.events "max").</summary>
    public static long PidsLimitHits(string parent, string id) =>
        ReadCounter(Path.Combine(Root, "pids", parent, id, "pids.events"), "max");

    /// <summary>Kills every process in the sandbox's cgroups and removes the directories.</summary>
    /// <returns>Directories that could not be removed (empty on success).</returns>
    public static async Task<List<string>> KillAndRemoveAsync(string parent, string id, TimeSpan timeout)
    {
        var dirs = Directories(parent, id);
        if (dirs.Count == 0) return [];
        // One kill loop for both paths: freeze, SIGKILL every listed pid, thaw, until empty (a fork bomb cannot
        // outrun it; a frozen task still dies once thawed).
        await CgroupKill.KillAllAsync(parent, id, timeout);
        var left = new List<string>();
        foreach (var dir in dirs)
        {
            // Children first: a sandbox never creates sub-cgroups, but a leftover may have.
            foreach (var sub in Directory.GetDirectories(dir, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length))
                TryRmdir(sub);
            if (!TryRmdir(dir)) left.Add(dir);
        }
        return left;
    }

    /// <summary>Removes the parent directories when they are empty (best effort).</summary>
    public static void RemoveParentIfEmpty(string parent)
    {
        foreach (var h in Hierarchies())
        {
            var dir = Path.Combine(h, parent);
            if (Directory.Exists(dir) && Directory.GetDirectories(dir).Length == 0) TryRmdir(dir);
        }
    }

    /// <summary>Every existing parent directory, one per hierarchy that has it.</summary>
    public static List<string> ParentDirectories(string parent) =>
        Hierarchies().Select(h => Path.Combine(h, parent)).Where(Directory.Exists).ToList();

    private static string[] Hierarchies() =>
        Directory.Exists(Root) ? Directory.GetDirectories(Root) : [];

    internal static List<int> Pids(string dir)
    {
        try
        {
            return File.ReadAllLines(Path.Combine(dir, "cgroup.procs"))
                .Select(l => int.TryParse(l, out var p) ? p : 0).Where(p => p > 0).ToList();
        }
        catch (IOException) { return []; }
    }

    internal static long ReadCounter(string file, string key)
    {
        try
        {
            foreach (var line in File.ReadLines(file))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 2 && parts[0] == key && long.TryParse(parts[1], out var n)) return n;
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return 0;
    }

    // cgroupfs directories hold only control files, which rmdir(2) removes with the directory;
    // a recursive delete would try (and fail) to unlink them.
    internal static bool TryRmdir(string dir)
    {
        try { Directory.Delete(dir, recursive: false); return true; }
        catch (IOException) { return !Directory.Exists(dir); }
        catch (UnauthorizedAccessException) { return false; }
    }
}
