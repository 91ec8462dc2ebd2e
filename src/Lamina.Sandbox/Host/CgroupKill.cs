using System.Globalization;

namespace Lamina.Sandbox.Host;

/// <summary>
/// Ends every process of a sandbox through its cgroups while the cgroups stay in place (so their counters can still
/// be read), and reads the memory high-water mark.
/// </summary>
/// <remarks>
/// A fork bomb at its pids limit forks again as soon as a task dies, so killing the listed pids once is not enough.
/// Each round freezes the group (a frozen task cannot fork), sends SIGKILL to every listed pid (the signal stays
/// pending on a frozen task) and thaws it (the pending SIGKILL then ends the task before it returns to user space).
/// A task that was still on its way into the freezer may have forked meanwhile: the next round lists its child.
/// </remarks>
internal static class CgroupKill
{
    /// <summary>Rounds of freeze → SIGKILL → thaw until no cgroup of the sandbox lists a process.</summary>
    /// <returns>True when every cgroup is empty; false when <paramref name="timeout"/> passed first.</returns>
    public static async Task<bool> KillAllAsync(string parent, string id, TimeSpan timeout)
    {
        var freezer = Path.Combine(CgroupV1.Root, "freezer", parent, id, "freezer.state");
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            TryWrite(freezer, "FROZEN");
            var listed = 0;
            foreach (var dir in CgroupV1.Directories(parent, id))
            {
                foreach (var pid in CgroupV1.Pids(dir))
                {
                    Libc.kill(pid, 9);
                    listed++;
                }
            }
            TryWrite(freezer, "THAWED");
            if (listed == 0) return true;
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(10);
        }
    }

    /// <summary>memory.max_usage_in_bytes of the sandbox's memory cgroup (v1), or null when it cannot be read.</summary>
    public static long? MaxMemoryUsageBytes(string parent, string id)
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(CgroupV1.Root, "memory", parent, id, "memory.max_usage_in_bytes")).Trim();
            return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) ? bytes : null;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private static void TryWrite(string file, string state)
    {
        // A missing freezer group is not fatal: SIGKILL rounds alone still end the tasks, only less surely.
        try { File.WriteAllText(file, state); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
