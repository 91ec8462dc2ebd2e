namespace Lamina.Sandbox;

/// <summary>Settings of one <see cref="SandboxManager"/>.</summary>
/// <param name="DataDirectory">Root of the manager's host state (see <see cref="SandboxLayout"/>).</param>
/// <param name="CgroupParent">cgroup directory name under every hierarchy; sandboxes live at /parent/id.
/// Two managers must not share a parent: recovery removes everything under it.</param>
/// <param name="RuncPath">The runc executable (used when <see cref="Runtime"/> is runc).</param>
public sealed record SandboxManagerOptions(
    string DataDirectory,
    string CgroupParent = "lamina",
    string RuncPath = OciRuntimes.DefaultRuncPath)
{
    /// <summary>Which OCI runtime creates the sandboxes; runc unless set (crun: see docs/sandbox.md, "Runtimes").</summary>
    public OciRuntime Runtime { get; init; } = OciRuntime.Runc;

    /// <summary>The crun executable (used when <see cref="Runtime"/> is crun).</summary>
    public string CrunPath { get; init; } = OciRuntimes.DefaultCrunPath;

    /// <summary>The executable of <see cref="Runtime"/>.</summary>
    public string RuntimePath => PathOf(Runtime);

    /// <summary>The configured executable of <paramref name="runtime"/>.</summary>
    public string PathOf(OciRuntime runtime) => runtime == OciRuntime.Crun ? CrunPath : RuncPath;

    /// <summary>How long destroy waits for killed processes to leave their cgroups.</summary>
    public TimeSpan KillTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a freeze may stay FREEZING before it is undone and reported. Generous: on a loaded host a task
    /// in the middle of a fork or a page fault takes a while to stop, and a failed freeze costs an environment.
    /// </summary>
    public TimeSpan FreezeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// true (default): a sandbox whose first process is an agent that loads seccomp (<see cref="AgentMount.LoadsSeccomp"/>)
    /// gets the profile precompiled to BPF once per process, installed by the agent as its first act; runc (or crun) then
    /// compiles no filter per start (bench/coldstart/README.md). false: the runtime compiles the spec's seccomp
    /// section, as for every other sandbox. Same profile either way (docs/sandbox.md, "Seccomp").
    /// </summary>
    public bool SeccompInAgent { get; init; } = true;

    /// <summary>CFS quota and shares of every sandbox (Lambda's CPU-per-memory rule, a floor, the host cap).</summary>
    public CpuLimits Cpu { get; init; } = CpuLimits.Default;
}
