namespace Lamina.Sandbox;

/// <summary>Where a manager keeps its state on the host.</summary>
/// <remarks>
/// <code>
/// &lt;data&gt;/
///   runc/                        runc --root: runc's container state (one dir per running sandbox)
///   crun/                        crun --root: the same for crun (Runtime = crun)
///   skeletons/&lt;name&gt;/             top overlay layer: empty mount targets (proc dev sys tmp run/lamina agent),
///                                one per agent path, shared by every sandbox (kept across runs)
///   sandboxes/&lt;id&gt;/
///     bundle/config.json         the generated OCI spec
///     bundle/rootfs/             mount point of the read-only overlay (skeleton + image snapshots)
///     control/                   bind-mounted read-write at /run/lamina (agent's control socket)
///     init.pid                   host pid of the sandbox's first process
///     stdout.log stderr.log      the first process's output
///     runc.log                   runc's own log
/// </code>
/// Everything a sandbox owns on the host is under sandboxes/&lt;id&gt;, runc/&lt;id&gt; (or crun/&lt;id&gt;) and the cgroups
/// /&lt;parent&gt;/&lt;id&gt;: that is what destroy and crash recovery remove.
/// </remarks>
public sealed class SandboxLayout(string dataDirectory)
{
    /// <summary>The manager's data directory.</summary>
    public string DataDirectory { get; } = Path.GetFullPath(dataDirectory);

    /// <summary>runc's state directory.</summary>
    public string RuncRoot => RuntimeRoot(OciRuntime.Runc);

    /// <summary>The state directory (--root) of <paramref name="runtime"/>: one per runtime, so recovery finds either's leftovers.</summary>
    public string RuntimeRoot(OciRuntime runtime) => Path.Combine(DataDirectory, runtime.Name());

    /// <summary>Parent of the per-sandbox directories.</summary>
    public string SandboxesDirectory => Path.Combine(DataDirectory, "sandboxes");

    /// <summary>One sandbox's directory.</summary>
    public string SandboxDirectory(string id) => Path.Combine(SandboxesDirectory, id);

    /// <summary>The OCI bundle directory.</summary>
    public string Bundle(string id) => Path.Combine(SandboxDirectory(id), "bundle");

    /// <summary>The overlay mount point.</summary>
    public string RootFs(string id) => Path.Combine(Bundle(id), "rootfs");

    /// <summary>Parent of the shared skeleton layers (the top overlay layer holding mount targets).</summary>
    public string SkeletonsDirectory => Path.Combine(DataDirectory, "skeletons");

    /// <summary>The control directory (host side of /run/lamina).</summary>
    public string Control(string id) => Path.Combine(SandboxDirectory(id), "control");

    /// <summary>The file runc writes the first process's pid to.</summary>
    public string PidFile(string id) => Path.Combine(SandboxDirectory(id), "init.pid");

    /// <summary>The first process's standard output.</summary>
    public string Stdout(string id) => Path.Combine(SandboxDirectory(id), "stdout.log");

    /// <summary>The first process's standard error.</summary>
    public string Stderr(string id) => Path.Combine(SandboxDirectory(id), "stderr.log");

    /// <summary>runc's log for this sandbox.</summary>
    public string RuncLog(string id) => Path.Combine(SandboxDirectory(id), "runc.log");
}
