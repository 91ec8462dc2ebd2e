namespace Lamina.Sandbox.Host;

/// <summary>
/// The cgroup v1 freezer, driven through <c>freezer.state</c> directly instead of <c>runc pause</c>/<c>resume</c>.
/// The runc CLI costs a process spawn, a Go runtime start and a state-file round trip per call (8–10 ms each at
/// p50 on the 2-core test machine, ~18 ms per warm invoke); the kernel side of freezing a handful of idle tasks
/// is microseconds. runc itself reads the freezer state when asked for a container's status, so it stays
/// consistent with what is written here (a frozen sandbox is "paused" to <c>runc state</c> and <c>runc delete</c>).
/// </summary>
/// <remarks>
/// Freezing is asynchronous in v1: the state reads FREEZING until every task has stopped, and a task caught
/// in a fork or an uninterruptible wait can leave it there; re-writing FROZEN retries those tasks, so the
/// loop writes again on every poll, and a group still FREEZING after 100 ms is thawed for a millisecond and
/// frozen afresh (runc's own v1 freezer does the same after repeated failures). On timeout the group is thawed (never left half-frozen) and the caller
/// gets the error. Thawing is synchronous.
/// </remarks>
internal static class Freezer
{
    /// <summary>How long a freeze may read FREEZING before the group is thawed for a moment and frozen again.</summary>
    private static readonly TimeSpan ThawAndRetryAfter = TimeSpan.FromMilliseconds(100);

    /// <summary>Freezes the group; null on success, else why not (the group is thawed again).</summary>
    public static async Task<string?> FreezeAsync(string parent, string id, TimeSpan timeout)
    {
        var file = StateFile(parent, id);
        var wait = new FreezeWait(timeout);
        var lastThaw = TimeSpan.Zero;
        try
        {
            while (true)
            {
                await File.WriteAllTextAsync(file, "FROZEN");
                var state = (await File.ReadAllTextAsync(file)).Trim();
                if (state == "FROZEN") return null;
                if (wait.TimedOut)
                {
                    await File.WriteAllTextAsync(file, "THAWED");
                    return $"the freezer of {id} stayed {state} for {wait.Elapsed.TotalMilliseconds:0} ms; thawed again";
                }
                if (wait.Elapsed - lastThaw > ThawAndRetryAfter)
                {
                    // Stuck: a task caught between exec and its first return to user space (a sandbox frozen
                    // the moment it started) or in a long uninterruptible wait can keep the group FREEZING
                    // however often FROZEN is written. Thawing lets it run to a point where it can stop.
                    await File.WriteAllTextAsync(file, "THAWED");
                    await Task.Delay(1);
                    lastThaw = wait.Elapsed;
                    wait.Restart();
                    continue;
                }
                await wait.NextAsync();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot write {file}: {e.Message}";
        }
    }

    /// <summary>Thaws the group; null on success, else why not.</summary>
    public static async Task<string?> ThawAsync(string parent, string id)
    {
        var file = StateFile(parent, id);
        try
        {
            await File.WriteAllTextAsync(file, "THAWED");
            var state = (await File.ReadAllTextAsync(file)).Trim();
            return state == "THAWED" ? null : $"the freezer of {id} reads {state} after THAWED was written";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot write {file}: {e.Message}";
        }
    }

    private static string StateFile(string parent, string id) => Path.Combine(CgroupV1.Root, "freezer", parent, id, "freezer.state");
}
