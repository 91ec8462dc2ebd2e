namespace Lamina.Runtimes;

/// <summary>The four base images (docs/runtimes.md has their contract).</summary>
public static class RuntimeCatalog
{
    /// <summary>Custom runtime: /var/runtime/bootstrap or $LAMBDA_TASK_ROOT/bootstrap, no language runtime.</summary>
    public static RuntimeImage Provided { get; } = new("provided", "lamina/provided", [], null, ["function.handler"]) { FixedTag = "latest" };

    /// <summary>Debian's python3 (3.11) and Lamina's stdlib-only runtime interface client.</summary>
    public static RuntimeImage Python { get; } = new("python", "lamina/python", ["python3"], "python", ["app.handler"])
    {
        FixedTag = "3.11",
        CheckedPackage = "python3",
    };

    /// <summary>Debian's nodejs, tagged with its major version, and Lamina's own runtime interface client.</summary>
    public static RuntimeImage Nodejs { get; } = new("nodejs", "lamina/nodejs", ["nodejs"], "nodejs", ["index.handler"]) { TagPackage = "nodejs" };

    /// <summary>The .NET 10 shared runtime (from the local SDK install) plus the Debian libraries it loads.</summary>
    public static RuntimeImage Dotnet { get; } = new("dotnet", "lamina/dotnet", ["libicu72", "libssl3", "libstdc++6"], "dotnet", ["Function"])
    {
        FixedTag = "10",
        AddsDotnetRuntime = true,
        Env = ["DOTNET_ROOT=/usr/lib/dotnet", "DOTNET_CLI_TELEMETRY_OPTOUT=1", "DOTNET_NOLOGO=1"],
    };

    /// <summary>All four, in build order.</summary>
    public static IReadOnlyList<RuntimeImage> All { get; } = [Provided, Python, Nodejs, Dotnet];

    /// <summary>The image named <paramref name="name"/> (provided, python, nodejs, dotnet), or null.</summary>
    public static RuntimeImage? Find(string name) => All.FirstOrDefault(i => i.Name == name);

    /// <summary>Debian packages in the shared base layer on top of minbase (TLS roots every runtime needs).</summary>
    public static IReadOnlyList<string> BasePackages { get; } = ["ca-certificates"];
}
