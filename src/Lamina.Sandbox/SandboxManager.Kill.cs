namespace Lamina.Sandbox;

public sealed partial class SandboxManager
{
    /// <summary>
    /// Kills every process in the sandbox at once through its cgroups (freeze, SIGKILL all, thaw, until empty),
    /// without asking anything inside it: for a sandbox whose processes no longer answer (a fork bomb starving the
    /// agent). Unlike <see cref="DestroyAsync"/> it keeps the cgroups, the container state and the files, so the
    /// memory high-water mark and the logs can still be read; destroy it afterwards.
    /// </summary>
    /// <returns>Null once every process is gone; <see cref="SandboxErrorCode.RuntimeFailed"/> when some survived
    /// <see cref="SandboxManagerOptions.KillTimeout"/>; <see cref="SandboxErrorCode.InvalidState"/> when destroyed.</returns>
    public async Task<SandboxError?> KillAsync(SandboxHandle sandbox)
    {
        await sandbox.Gate.WaitAsync();
        try
        {
            if (sandbox.State == SandboxState.Destroyed)
                return new SandboxError(SandboxErrorCode.InvalidState, $"Sandbox '{sandbox.Id}' is destroyed.");
            sandbox.StopRequested = true;
            var emptied = await Cgroups.KillAllAsync(Options.CgroupParent, sandbox.Id, Options.KillTimeout);
            var exited = await ExitsWithin(sandbox, Options.KillTimeout);
            if (exited) sandbox.State = SandboxState.Stopped;
            return emptied && exited ? null
                : new SandboxError(SandboxErrorCode.RuntimeFailed, $"Sandbox '{sandbox.Id}' still had processes after SIGKILL.");
        }
        finally { sandbox.Gate.Release(); }
    }

    /// <summary>
    /// The sandbox's memory high-water mark in bytes (cgroup v1 memory.max_usage_in_bytes, v2 memory.peak: everything in the
    /// environment, page cache included), or null when unknown. Readable until the sandbox is destroyed.
    /// </summary>
    public long? MaxMemoryUsedBytes(SandboxHandle sandbox) => Cgroups.PeakMemoryBytes(Options.CgroupParent, sandbox.Id);
}
