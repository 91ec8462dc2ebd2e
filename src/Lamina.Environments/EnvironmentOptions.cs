namespace Lamina.Environments;

/// <summary>Host-side settings shared by every environment a <see cref="EnvironmentFactory"/> starts.</summary>
/// <param name="AgentBinary">Host path of the lamina-init executable, bind-mounted read-only into each sandbox.</param>
public sealed record EnvironmentOptions(string AgentBinary)
{
    /// <summary>Where the agent appears inside the sandbox.</summary>
    public string AgentContainerPath { get; init; } = "/opt/lamina/lamina-init";

    /// <summary>How long to wait for the agent's control socket to answer after runc start.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long past the function's timeout the host waits for the agent's answer before it enforces the deadline
    /// itself: it kills the sandbox through its cgroups and answers Sandbox.Timedout (the agent shares the sandbox
    /// with the function, so a fork bomb or a CPU hog can starve it). The agent answers its own timeouts within
    /// milliseconds of the deadline; the grace only has to cover a loaded host.
    /// </summary>
    public TimeSpan DeadlineGrace { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Added to the host's deadline for an invoke inside which the agent may first start a fresh runtime (after a
    /// crash, a timeout or another failed answer): the agent's init limit, Lambda's 10 s. The function's timer
    /// starts only once that runtime is ready.
    /// </summary>
    public TimeSpan ReinitAllowance { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long an environment stays thawed after answering before it is frozen. An invoke that arrives within it
    /// (a client calling again, a busy function) finds the environment running: no freeze and no thaw. The runtime
    /// waits in /next meanwhile (no CPU), and the agent's timers run only during invokes, so nothing is billed.
    /// </summary>
    public TimeSpan FreezeDelay { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Upper bound of the adaptive freeze delay. An environment invoked again within this long after its previous
    /// answer stays thawed for 1.5× that gap (at least <see cref="FreezeDelay"/>) after its next answer, so a client
    /// calling at a steady rhythm slower than <see cref="FreezeDelay"/> stops paying a freeze and a thaw per invoke;
    /// a longer gap brings the delay back to <see cref="FreezeDelay"/>. An idle environment is frozen at the latest
    /// this long after its last answer. Equal to <see cref="FreezeDelay"/> (or below it) turns the adaptation off.
    /// </summary>
    public TimeSpan MaxFreezeDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Most runtime create and start calls (runc/crun processes) one factory runs at once; 0 (the default) is no
    /// cap. A burst of cold starts then queues for the runtime instead of running every create at once: the first
    /// environments are ready sooner, the last no later when the burst is CPU-bound (bench/invoke/README.md).
    /// </summary>
    public int MaxConcurrentStarts { get; init; }

    /// <summary>Grace period between SIGTERM and SIGKILL when an environment is stopped.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Path of the control socket inside the sandbox (the control directory is mounted at /run/lamina).</summary>
    internal const string ControlSocketInSandbox = "/run/lamina/control.sock";

    /// <summary>Socket file name inside the host's control directory.</summary>
    internal const string ControlSocketName = "control.sock";
}
