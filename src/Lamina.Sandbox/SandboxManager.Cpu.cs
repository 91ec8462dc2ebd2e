namespace Lamina.Sandbox;

public sealed partial class SandboxManager
{
    /// <summary>
    /// Ends a sandbox's init CPU boost (<see cref="CpuLimits.InitBoost"/>): writes the function's CFS quota,
    /// which the sandbox ran without since create. A no-op (null) for a sandbox that was not boosted or whose
    /// quota is already written. On failure the quota stays pending and the error is returned: the caller must
    /// not serve invokes from a sandbox left unbounded (destroy it).
    /// </summary>
    public async Task<SandboxError?> EndInitCpuBoostAsync(SandboxHandle sandbox)
    {
        if (!sandbox.InitCpuBoosted) return null;
        await sandbox.Gate.WaitAsync();
        try
        {
            var quota = Volatile.Read(ref sandbox.PendingQuotaUs);
            if (quota == 0) return null;
            if (sandbox.State is SandboxState.Destroyed or SandboxState.Stopped)
                return new(SandboxErrorCode.InvalidState, $"Cannot set the CPU quota of sandbox '{sandbox.Id}' in state {sandbox.State}.");
            if (await Cgroups.WriteCpuQuotaAsync(Options.CgroupParent, sandbox.Id, quota) is { } failure)
                return new(SandboxErrorCode.RuntimeFailed, $"CPU quota of sandbox '{sandbox.Id}': {failure}");
            Volatile.Write(ref sandbox.PendingQuotaUs, 0);
            return null;
        }
        finally { sandbox.Gate.Release(); }
    }
}
