namespace Lamina.Environments;

/// <summary>Host-side settings shared by every environment a <see cref="EnvironmentFactory"/> starts.</summary>
/// <param name="AgentBinary">Host path of the lamina-init executable, bind-mounted read-only into each sandbox.</param>
public sealed record EnvironmentOptions(string AgentBinary)
{
    /// <summary>Where the agent appears inside the sandbox.</summary>
    public string AgentContainerPath { get; init; } = "/opt/lamina/lamina-init";

    /// <summary>How long to wait for the agent's control socket to answer after runc start.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an invoke may take on the host side beyond the function timeout (init, freeze, thaw).</summary>
    public TimeSpan InvokeSlack { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long an environment stays thawed after answering before it is frozen. An invoke that arrives within it
    /// (a client calling again, a busy function) finds the environment running: no freeze and no thaw. The runtime
    /// waits in /next meanwhile (no CPU), and the agent's timers run only during invokes, so nothing is billed.
    /// </summary>
    public TimeSpan FreezeDelay { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Grace period between SIGTERM and SIGKILL when an environment is stopped.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Path of the control socket inside the sandbox (the control directory is mounted at /run/lamina).</summary>
    internal const string ControlSocketInSandbox = "/run/lamina/control.sock";

    /// <summary>Socket file name inside the host's control directory.</summary>
    internal const string ControlSocketName = "control.sock";
}
