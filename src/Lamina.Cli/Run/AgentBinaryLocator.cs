namespace Lamina.Cli.Run;

/// <summary>
/// Where <c>lamina run</c> finds the NativeAOT lamina-init it bind-mounts into the sandbox: the server's own
/// lookup (<see cref="Lamina.Scheduler.ExecutionAvailability.FindAgent"/>: next to the binary, or where ./lamina
/// publishes it) after the explicit choices, then the test suites' cache.
/// </summary>
internal static class AgentBinaryLocator
{
    /// <summary>
    /// First match wins: <paramref name="explicitPath"/> (--agent), <c>$LAMINA_INIT_BINARY</c>, the server's lookup
    /// (next to the CLI binary, or <c>artifacts/lamina-init/</c> beside it), then the newest test cache <c>/var/tmp/lamina-init-aot-*/lamina-init</c>. Null when none exists.
    /// </summary>
    public static (string? Path, string Searched) Find(string? explicitPath)
    {
        var candidates = new List<string>();
        if (explicitPath is { Length: > 0 }) candidates.Add(Path.GetFullPath(explicitPath));
        else
        {
            if (Environment.GetEnvironmentVariable("LAMINA_INIT_BINARY") is { Length: > 0 } fromEnv) candidates.Add(fromEnv);
            candidates.Add(Lamina.Scheduler.ExecutionAvailability.FindAgent(null)
                ?? Path.Combine(AppContext.BaseDirectory, Lamina.Scheduler.ExecutionAvailability.AgentFileName));
            if (Directory.Exists("/var/tmp"))
            {
                candidates.AddRange(Directory.GetDirectories("/var/tmp", "lamina-init-aot-*")
                    .Select(d => Path.Combine(d, "lamina-init"))
                    .Where(File.Exists)
                    .OrderByDescending(File.GetLastWriteTimeUtc));
            }
        }
        return (candidates.FirstOrDefault(File.Exists), string.Join(", ", candidates.DefaultIfEmpty("(nothing)")));
    }
}
