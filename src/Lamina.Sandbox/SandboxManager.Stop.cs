namespace Lamina.Sandbox;

public sealed partial class SandboxManager
{
    /// <summary>
    /// Waits for the sandbox's first process to exit and says why it ended. Must be called before
    /// <see cref="DestroyAsync"/> (destroy removes the cgroup the OOM count is read from).
    /// </summary>
    public async Task<SandboxExit> WaitForExitAsync(SandboxHandle sandbox, CancellationToken cancellationToken = default)
    {
        await sandbox.Exited.WaitAsync(cancellationToken);
        if (sandbox.State is SandboxState.Created or SandboxState.Running or SandboxState.Frozen)
            sandbox.State = SandboxState.Stopped;
        return ExitOf(sandbox);
    }

    /// <summary>Processes the OOM killer has killed in the sandbox so far (an agent's child, say).
    /// Still answered after destroy (the count read just before the cgroups went).</summary>
    public long OomKillCount(SandboxHandle sandbox) =>
        Math.Max(Cgroups.OomKillCount(Options.CgroupParent, sandbox.Id), Volatile.Read(ref sandbox.FinalOomKills));

    /// <summary>How often the pids limit refused a fork in the sandbox; still answered after destroy.</summary>
    public long PidsLimitHits(SandboxHandle sandbox) =>
        Math.Max(Cgroups.PidsLimitHits(Options.CgroupParent, sandbox.Id), Volatile.Read(ref sandbox.FinalPidsLimitHits));

    /// <summary>Keeps the cgroup counters on the handle before cleanup removes the cgroups they live in.</summary>
    private void KeepFinalCounters(SandboxHandle sandbox)
    {
        Volatile.Write(ref sandbox.FinalOomKills, OomKillCount(sandbox));
        Volatile.Write(ref sandbox.FinalPidsLimitHits, PidsLimitHits(sandbox));
    }

    /// <summary>
    /// Stops the sandbox: thaws it if frozen, sends SIGTERM, waits up to <paramref name="grace"/>,
    /// then SIGKILL. The container and its resources stay until <see cref="DestroyAsync"/>.
    /// </summary>
    public async Task<SandboxResult<SandboxExit>> StopAsync(SandboxHandle sandbox, TimeSpan grace)
    {
        await sandbox.Gate.WaitAsync();
        try
        {
            if (sandbox.State == SandboxState.Destroyed)
                return new SandboxError(SandboxErrorCode.InvalidState, $"Sandbox '{sandbox.Id}' is destroyed.");
            if (!sandbox.Exited.IsCompleted)
            {
                sandbox.StopRequested = true;
                // Frozen tasks cannot act on (or die from) a signal until thawed.
                if (sandbox.State == SandboxState.Frozen) await Cgroups.ThawAsync(Options.CgroupParent, sandbox.Id);
                // A created-but-not-started process is still runc's init: TERM would be ignored.
                var first = sandbox.State == SandboxState.Created ? "KILL" : "TERM";
                await _runc.KillAsync(sandbox.Id, first);
                if (!await ExitsWithin(sandbox, grace))
                {
                    await _runc.KillAsync(sandbox.Id, "KILL");
                    if (!await ExitsWithin(sandbox, Options.KillTimeout))
                        return new SandboxError(SandboxErrorCode.RuntimeFailed,
                            $"Sandbox '{sandbox.Id}' did not exit after SIGKILL.");
                }
            }
            sandbox.State = SandboxState.Stopped;
            return ExitOf(sandbox);
        }
        finally { sandbox.Gate.Release(); }
    }

    private SandboxExit ExitOf(SandboxHandle sandbox)
    {
        var oom = OomKillCount(sandbox);
        var reason = oom > 0 ? SandboxExitReason.OutOfMemory
            : sandbox.StopRequested ? SandboxExitReason.Stopped
            : SandboxExitReason.Exited;
        return new SandboxExit(reason, oom);
    }

    private static async Task<bool> ExitsWithin(SandboxHandle sandbox, TimeSpan timeout)
    {
        try
        {
            await sandbox.Exited.WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException) { return false; }
    }
}
