namespace Lamina.Cli.Run;

/// <summary>
/// Where <c>lamina run</c> finds the NativeAOT lamina-init it bind-mounts into the sandbox. One function on
/// purpose: the server's Execution options will own this lookup, and the two are reconciled there.
/// </summary>
internal static class AgentBinaryLocator
{
    /// <summary>
    /// First match wins: <paramref name="explicitPath"/> (--agent), <c>$LAMINA_INIT_BINARY</c>, <c>lamina-init</c> next to
    /// the CLI binary, then the newest test cache <c>/var/tmp/lamina-init-aot-*/lamina-init</c>. Null when none exists.
    /// </summary>
    public static (string? Path, string Searched) Find(string? explicitPath)
    {
        var candidates = new List<string>();
        if (explicitPath is { Length: > 0 }) candidates.Add(Path.GetFullPath(explicitPath));
        else
        {
            if (Environment.GetEnvironmentVariable("LAMINA_INIT_BINARY") is { Length: > 0 } fromEnv) candidates.Add(fromEnv);
            candidates.Add(Path.Combine(AppContext.BaseDirectory, "lamina-init"));
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
