namespace Lamina.Environments;

/// <summary>
/// Where a cold start's time went, host clock (Stopwatch), in milliseconds. Pull and unpack are the image
/// store's and are measured by the caller; these are the phases after the image is local.
/// </summary>
/// <param name="CreateMs">SandboxManager.CreateAndStartAsync: overlay mount, config.json, runc run --detach (create and
/// start in one process; crun: create and start); a spare made with SpareStage.Created: runc create only.</param>
/// <param name="RootFsMountMs">Part of <paramref name="CreateMs"/> spent mounting the overlay (measured separately only by the bench); 0 when unknown.</param>
/// <param name="StartMs">runc start, for a sandbox created without it (a SpareStage.Created spare); 0 otherwise.</param>
/// <param name="AgentReadyMs">From the runtime's start returning to the control socket answering GET /lamina/v1/health.</param>
/// <param name="RuntimeInitMs">POST /lamina/v1/init: the runtime started and waiting in /next.</param>
public sealed record StartupTimings(double CreateMs, double RootFsMountMs, double StartMs, double AgentReadyMs, double RuntimeInitMs)
{
    /// <summary>Sandbox ready (agent listening), from the start of create.</summary>
    public double SandboxReadyMs => CreateMs + StartMs + AgentReadyMs;

    /// <summary>
    /// What the invoke path paid to get the agent ready: equal to <see cref="SandboxReadyMs"/> for a sandbox made
    /// on demand; for a spare made ahead of demand, only the thaw (or runc start + agent ready).
    /// </summary>
    public double OnPathMs { get; init; }

    /// <summary>Everything up to a runtime waiting for its first event.</summary>
    public double TotalMs => SandboxReadyMs + RuntimeInitMs;
}
