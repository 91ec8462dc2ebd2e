namespace Lamina.Agent.Tests;

/// <summary>External tools the tests drive; a missing one fails with a clear message.</summary>
internal static class Tools
{
    public static string Python() => Find("python3", "/usr/bin/python3") ?? throw new InvalidOperationException("python3 is required by the agent tests (apt-get install python3)");

    public static string Node() => Find("node", "/usr/bin/node") ?? throw new InvalidOperationException("node is required by the aws-lambda-ric tests (apt-get install nodejs npm)");

    public static string? Find(string name, string preferred)
    {
        if (File.Exists(preferred))
        {
            return preferred;
        }
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>A path inside the repository: the directory holding Lamina.slnx above the test binaries.</summary>
    public static string RepoPath(params string[] parts)
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Lamina.slnx")))
        {
            d = d.Parent;
        }
        return Path.Combine([d?.FullName ?? throw new InvalidOperationException("Lamina.slnx not found above the test directory"), .. parts]);
    }
}
