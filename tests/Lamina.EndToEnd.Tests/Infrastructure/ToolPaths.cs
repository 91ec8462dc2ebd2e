namespace Lamina.EndToEnd.Tests.Infrastructure;

/// <summary>Finds the real client tools; names the Debian package to install when one is missing.</summary>
public static class ToolPaths
{
    /// <summary>Tool name (or absolute path) → the package test.sh installs it from.</summary>
    private static readonly Dictionary<string, string> Packages = new(StringComparer.Ordinal)
    {
        ["skopeo"] = "skopeo",
        ["umoci"] = "umoci",
        ["docker-registry"] = "docker-registry",
        ["/usr/bin/aws"] = "awscli (AWS CLI v2)",
        ["aws"] = "pip awscli (AWS CLI v1)",
        ["dockerd"] = "docker.io",
        ["docker"] = "docker.io",
        ["dotnet"] = "the .NET SDK",
    };

    /// <summary>The absolute path of <paramref name="tool"/>, or an exception telling how to install it.</summary>
    public static string Require(string tool) =>
        Find(tool) ?? throw new InvalidOperationException(
            $"'{tool}' is not installed; it comes from {Packages.GetValueOrDefault(tool, "its package")} (./test.sh installs it)");

    public static string? Find(string tool)
    {
        if (Path.IsPathRooted(tool)) return File.Exists(tool) ? tool : null;
        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, tool);
            if (File.Exists(candidate)) return candidate;
        }
        foreach (var dir in new[] { "/usr/sbin", "/sbin" })
        {
            var candidate = Path.Combine(dir, tool);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
