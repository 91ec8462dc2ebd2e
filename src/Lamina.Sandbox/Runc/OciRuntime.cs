namespace Lamina.Sandbox;

/// <summary>
/// The OCI runtime a <see cref="SandboxManager"/> drives. Both read the same config.json (namespaces, seccomp,
/// cgroups v1, rlimits, masked paths) and take the same command line for what Lamina uses (create --bundle
/// --pid-file, start, kill, delete --force, state, list -q; --root, --log): see docs/sandbox.md, "Runtimes".
/// </summary>
public enum OciRuntime
{
    /// <summary>runc (Go; the default).</summary>
    Runc,

    /// <summary>crun (C): starts a container with far less CPU than runc (bench/coldstart/README.md).</summary>
    Crun,
}

/// <summary>Names and default paths of the <see cref="OciRuntime"/> values.</summary>
public static class OciRuntimes
{
    /// <summary>Where Debian's runc package installs runc.</summary>
    public const string DefaultRuncPath = "/usr/sbin/runc";

    /// <summary>Where Debian's crun package installs crun.</summary>
    public const string DefaultCrunPath = "/usr/bin/crun";

    /// <summary>Every runtime, in a stable order (recovery looks in each one's state root).</summary>
    public static IReadOnlyList<OciRuntime> All { get; } = [OciRuntime.Runc, OciRuntime.Crun];

    /// <summary>The runtime's lower-case name, as configured (Execution:Runtime) and used for its state directory.</summary>
    public static string Name(this OciRuntime runtime) => runtime switch
    {
        OciRuntime.Crun => "crun",
        _ => "runc",
    };

    /// <summary>The Debian package (and default path) of the runtime.</summary>
    public static string DefaultPath(this OciRuntime runtime) =>
        runtime == OciRuntime.Crun ? DefaultCrunPath : DefaultRuncPath;

    /// <summary>Parses "runc" or "crun" (any case); false for anything else.</summary>
    public static bool TryParse(string? text, out OciRuntime runtime)
    {
        runtime = OciRuntime.Runc;
        if (string.Equals(text, "runc", StringComparison.OrdinalIgnoreCase)) return true;
        if (!string.Equals(text, "crun", StringComparison.OrdinalIgnoreCase)) return false;
        runtime = OciRuntime.Crun;
        return true;
    }
}
