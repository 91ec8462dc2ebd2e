using Lamina.Sandbox;

namespace Lamina.Scheduler.Tests.Fixtures;

/// <summary>What environments can leave on the host: sandbox and runc state directories, cgroups, mounts.</summary>
public static class Leftovers
{
    public static string ExecutionRoot(string dataDir) => Path.Combine(Path.GetFullPath(dataDir), "execution");

    /// <summary>Everything of a server's environments still on the host; empty when clean.</summary>
    public static IReadOnlyList<string> Find(string dataDir, string cgroupParent)
    {
        var root = ExecutionRoot(dataDir);
        var found = new List<string>();
        foreach (var sub in new[] { "sandboxes", "runc" })
        {
            var dir = Path.Combine(root, sub);
            if (Directory.Exists(dir)) found.AddRange(Directory.GetDirectories(dir).Select(d => "directory " + d));
        }
        foreach (var parent in SandboxCgroups.ParentDirectories(cgroupParent))
        {
            try { found.AddRange(Directory.GetDirectories(parent).Select(d => "cgroup " + d)); }
            catch (DirectoryNotFoundException) { } // removed between the listing and here
        }
        found.AddRange(File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4])
            .Where(m => m.StartsWith(root + "/", StringComparison.Ordinal)).Select(m => "mount " + m));
        return found;
    }

    /// <summary>Removes whatever a failed test left (the same recovery a restarted server runs).</summary>
    public static async Task CleanAsync(string dataDir, string cgroupParent)
    {
        if (Directory.Exists(ExecutionRoot(dataDir)))
            await new SandboxManager(new SandboxManagerOptions(ExecutionRoot(dataDir), cgroupParent)).RecoverAsync();
        SandboxCgroups.RemoveParentIfEmpty(cgroupParent);
    }
}
