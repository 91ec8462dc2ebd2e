using Lamina.Sandbox;

namespace Lamina.Scheduler;

/// <summary>
/// Whether this host can run environments, and why not: runc present, running as root (runc, cgroups and
/// overlay mounts need it), and the lamina-init binary found.
/// </summary>
public static class ExecutionAvailability
{
    /// <summary>The agent binary's file name, as ./lamina publishes it.</summary>
    public const string AgentFileName = "lamina-init";

    /// <summary>
    /// The lamina-init to use: the configured path, else next to the server
    /// (<c>BASE/lamina-init</c>), else <c>BASE/../lamina-init/lamina-init</c> (where ./lamina publishes it).
    /// Null when none exists.
    /// </summary>
    public static string? FindAgent(string? configured)
    {
        if (configured is not null) return File.Exists(configured) ? Path.GetFullPath(configured) : null;
        var baseDir = AppContext.BaseDirectory;
        foreach (var candidate in new[] { Path.Combine(baseDir, AgentFileName), Path.Combine(baseDir, "..", AgentFileName, AgentFileName) })
        {
            if (File.Exists(candidate)) return Path.GetFullPath(candidate);
        }
        return null;
    }

    /// <summary>Null when execution can run with these options; otherwise the reason, for the user.</summary>
    public static string? WhyNot(ExecutionOptions options)
    {
        var runtime = options.SandboxRuntime.Name();
        if (!File.Exists(options.RuntimePath)) return $"{runtime} was not found at {options.RuntimePath} (apt-get install -y {runtime})";
        if (!IsRoot()) return "the server does not run as root (runc, cgroups and overlay mounts need it)";
        if (FindAgent(options.AgentBinary) is null)
        {
            return options.AgentBinary is not null
                ? $"the agent binary {options.AgentBinary} (Execution:AgentBinary) does not exist"
                : "the agent binary lamina-init was not found next to the server; ./lamina publishes it, or set LAMINA__Execution__AgentBinary";
        }
        return null;
    }

    private static bool IsRoot()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("Uid:", StringComparison.Ordinal))
                    return line.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries).Skip(2).FirstOrDefault() == "0";
            }
        }
        catch (IOException)
        {
        }
        return false;
    }
}
