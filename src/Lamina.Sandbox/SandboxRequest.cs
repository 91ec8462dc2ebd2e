namespace Lamina.Sandbox;

/// <summary>
/// Everything needed to build one execution environment. Plain inputs: the image store resolves
/// <see cref="Layers"/>, the control plane supplies the function's configuration.
/// </summary>
/// <param name="Id">Sandbox id: 1–64 of [a-z0-9-], unique per manager; names the runc container and cgroup.</param>
/// <param name="Layers">Unpacked snapshot directories (absolute paths), top layer first; mounted read-only.</param>
/// <param name="Image">ENTRYPOINT, CMD, WORKDIR and ENV from the image config.</param>
/// <param name="Overrides">The function's ImageConfig; each set field replaces the image's.</param>
/// <param name="Lambda">Values for the reserved Lambda environment variables.</param>
/// <param name="Environment">The function's own variables; reserved names are overwritten by <paramref name="Lambda"/>.</param>
/// <param name="MemoryMb">MemorySize, 128–10240: the memory limit, and the CPU share (1 vCPU at 1769 MB).</param>
/// <param name="EphemeralStorageMb">Size of the writable /tmp, 512–10240.</param>
public sealed record SandboxRequest(
    string Id,
    IReadOnlyList<string> Layers,
    ImageProcessConfig Image,
    ImageConfigOverrides? Overrides,
    LambdaEnvironment Lambda,
    IReadOnlyDictionary<string, string>? Environment,
    int MemoryMb = 128,
    int EphemeralStorageMb = 512)
{
    /// <summary>Network mode: <see cref="NetworkMode.None"/> (loopback only) unless asked otherwise.</summary>
    public NetworkMode Network { get; init; } = NetworkMode.None;

    /// <summary>Optional host executable bind-mounted read-only at <see cref="AgentMount.ContainerPath"/>.</summary>
    public AgentMount? Agent { get; init; }

    /// <summary>
    /// Arguments placed before the runtime command (e.g. the agent: ["/opt/lamina/lamina-init", "--"]).
    /// Empty: the runtime command is the container's first process.
    /// </summary>
    public IReadOnlyList<string> InitPrefix { get; init; } = [];

    /// <summary>
    /// True when the first process is lamina-init: the variables a .NET runtime reads (DOTNET_*, COMPlus_*,
    /// CORECLR_*) reach it renamed with <see cref="Spec.LambdaVariables.HiddenPrefix"/>, so they configure the
    /// function's runtime, to which lamina-init restores them, and not the agent's own.
    /// </summary>
    public bool HideRuntimeSettings { get; init; }

    /// <summary>Maximum number of tasks in the sandbox (fork bombs stop here).</summary>
    public int PidsLimit { get; init; } = 1024;
}

/// <summary>The image config's process fields (OCI image-spec config.config).</summary>
public sealed record ImageProcessConfig(
    IReadOnlyList<string>? Entrypoint,
    IReadOnlyList<string>? Cmd,
    string? WorkingDir,
    IReadOnlyList<string>? Env);

/// <summary>Lambda's ImageConfig: any non-null field replaces the image's value.</summary>
public sealed record ImageConfigOverrides(
    IReadOnlyList<string>? EntryPoint,
    IReadOnlyList<string>? Command,
    string? WorkingDirectory);

/// <summary>How the sandbox reaches the network.</summary>
public enum NetworkMode
{
    /// <summary>A fresh network namespace holding only the loopback interface.</summary>
    None,

    /// <summary>The host's network namespace (no isolation of ports or interfaces).</summary>
    Host,
}

/// <summary>A host executable exposed read-only inside the sandbox.</summary>
/// <param name="HostPath">Absolute path of the executable on the host.</param>
/// <param name="ContainerPath">Absolute path inside the sandbox, e.g. /opt/lamina/lamina-init.</param>
public sealed record AgentMount(string HostPath, string ContainerPath = "/opt/lamina/lamina-init")
{
    /// <summary>
    /// Whether the agent installs a precompiled seccomp filter given as <c>--seccomp PATH</c> in front of its other
    /// arguments, failing closed (lamina-init does). When the manager uses that
    /// (<see cref="SandboxManagerOptions.SeccompInAgent"/>) and the agent is the first process, the runtime spec
    /// carries no seccomp section. false for anything else: it would run unfiltered.
    /// </summary>
    public bool LoadsSeccomp { get; init; }
}
