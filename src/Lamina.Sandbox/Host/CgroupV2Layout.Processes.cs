namespace Lamina.Sandbox.Host;

/// <summary>
/// Freeze, thaw and kill on cgroup v2: cgroup.freeze ("1"/"0"), with cgroup.events "frozen 1" as the proof that
/// every task has stopped, and cgroup.kill (kernel 5.14+), which SIGKILLs the whole subtree in the kernel.
/// </summary>
/// <remarks>
/// The v2 freezer stops tasks the way a job-control stop does, at their next return to user space, so it does
/// not get stuck in FREEZING like v1's (no thaw-and-retry loop); a task in a long uninterruptible wait still
/// delays "frozen 1", hence the timeout. A frozen v2 task still dies from SIGKILL, so killing needs no thaw, and
/// cgroup.kill also catches children forked while it runs (the kernel marks the cgroup first): one write ends a
/// fork bomb. The write is repeated each round anyway, and on a kernel without cgroup.kill every listed pid is
/// signalled instead, until cgroup.events reads "populated 0".
/// </remarks>
internal sealed partial class CgroupV2Layout
{
    /// <summary>
    /// False: kill by signalling each listed pid, as on a kernel without cgroup.kill (before 5.14: Debian 11's 5.10
    /// boots cgroup v2 too). Tests set it to run that path on a kernel that has the file.
    /// </summary>
    internal bool UseCgroupKill { get; init; } = true;

    /// <inheritdoc />
    public override async Task<string?> FreezeAsync(string parent, string id, TimeSpan timeout)
    {
        var dir = SandboxDirectory(parent, id);
        var freeze = Path.Combine(dir, "cgroup.freeze");
        var wait = new FreezeWait(timeout);
        try
        {
            await File.WriteAllTextAsync(freeze, "1");
            while (true)
            {
                if (await ReadEventAsync(dir, "frozen") == 1) return null;
                if (wait.TimedOut)
                {
                    await File.WriteAllTextAsync(freeze, "0");
                    return $"{id} did not read frozen 1 in cgroup.events within {wait.Elapsed.TotalMilliseconds:0} ms; thawed again";
                }
                await wait.NextAsync();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot freeze {dir}: {e.Message}";
        }
    }

    /// <inheritdoc />
    public override async Task<string?> ThawAsync(string parent, string id)
    {
        var freeze = Path.Combine(SandboxDirectory(parent, id), "cgroup.freeze");
        try
        {
            await File.WriteAllTextAsync(freeze, "0");
            var state = (await File.ReadAllTextAsync(freeze)).Trim();
            return state == "0" ? null : $"{freeze} reads {state} after 0 was written";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot write {freeze}: {e.Message}";
        }
    }

    /// <inheritdoc />
    public override async Task<bool> KillAllAsync(string parent, string id, TimeSpan timeout)
    {
        var dir = SandboxDirectory(parent, id);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (!UseCgroupKill || !TryWrite(Path.Combine(dir, "cgroup.kill"), "1"))
            {
                // Before kernel 5.14: signal every listed pid of the subtree (frozen v2 tasks still die).
                foreach (var pid in Subtree(dir).SelectMany(Pids)) Libc.kill(pid, 9);
            }
            if (!Populated(dir))
            {
                // Left thawed, as v1's kill leaves it: runc reports a frozen cgroup as "paused" while the
                // init's exit is still in flight, and an empty frozen group has nothing to keep frozen.
                TryWrite(Path.Combine(dir, "cgroup.freeze"), "0");
                return true;
            }
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(10);
        }
    }

    /// <inheritdoc />
    public override async Task<List<string>> KillAndRemoveAsync(string parent, string id, TimeSpan timeout)
    {
        var dir = SandboxDirectory(parent, id);
        if (!Directory.Exists(dir)) return [];
        await KillAllAsync(parent, id, timeout);
        // Children first: a sandbox never creates sub-cgroups, but a leftover may have.
        foreach (var sub in Subtree(dir).Skip(1).OrderByDescending(d => d.Length)) CgroupV1.TryRmdir(sub);
        return CgroupV1.TryRmdir(dir) ? [] : [dir];
    }

    // The cgroup and every cgroup below it, the cgroup first; empty once it is gone (runc delete may race us).
    private static List<string> Subtree(string dir)
    {
        try { return [dir, .. Directory.GetDirectories(dir, "*", SearchOption.AllDirectories)]; }
        catch (DirectoryNotFoundException) { return []; }
    }

    // populated counts the whole subtree; a cgroup that is gone (unreadable: 0) holds nothing.
    private static bool Populated(string dir) => CgroupV1.ReadCounter(Path.Combine(dir, "cgroup.events"), "populated") != 0;

    // Unlike the counters, a freeze must not read "0" from a cgroup that vanished: the read's error surfaces.
    private static async Task<long> ReadEventAsync(string dir, string key)
    {
        foreach (var line in await File.ReadAllLinesAsync(Path.Combine(dir, "cgroup.events")))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[0] == key && long.TryParse(parts[1], out var n)) return n;
        }
        return 0;
    }

    private static bool TryWrite(string file, string text)
    {
        try
        {
            File.WriteAllText(file, text);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }
}
