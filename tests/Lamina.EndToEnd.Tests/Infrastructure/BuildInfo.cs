using System.Reflection;

namespace Lamina.EndToEnd.Tests.Infrastructure;

/// <summary>Paths baked into the test assembly at build time (see LocateLaminaCli in the .csproj).</summary>
public static class BuildInfo
{
    /// <summary>The lamina.dll built alongside these tests, in the same configuration.</summary>
    public static string LaminaCliDll
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("LAMINA_CLI_DLL") is { Length: > 0 } overridden ? overridden : Metadata("LaminaCliDll");
            return File.Exists(path)
                ? path
                : throw new InvalidOperationException($"lamina.dll not found at {path}; build tests/Lamina.EndToEnd.Tests (it builds src/Lamina.Cli first)");
        }
    }

    /// <summary>The repository root (for samples/).</summary>
    public static string RepositoryRoot => Metadata("RepositoryRoot");

    private static string Metadata(string key) =>
        typeof(BuildInfo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"assembly metadata {key} missing: the LocateLaminaCli target did not run");
}
