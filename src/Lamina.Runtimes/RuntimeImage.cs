namespace Lamina.Runtimes;

/// <summary>
/// One base image Lamina builds: its repository, the Debian packages of its runtime layer, the runtime
/// sources (a folder of runtimes/ in the repository) that go into its Lamina layer, and its default CMD.
/// </summary>
/// <param name="Name">Short name: provided, python, nodejs, dotnet.</param>
/// <param name="Repository">Registry repository, e.g. lamina/python.</param>
/// <param name="Packages">Debian packages of the runtime layer (none: no runtime layer).</param>
/// <param name="SourceFolder">Folder under runtimes/ copied to /var/runtime (null: none).</param>
/// <param name="Cmd">Default CMD (the handler), overridden by users.</param>
public sealed record RuntimeImage(string Name, string Repository, IReadOnlyList<string> Packages, string? SourceFolder, IReadOnlyList<string> Cmd)
{
    /// <summary>A fixed tag (python 3.11 ↔ Debian 12's python3); null when the tag comes from a package's major version.</summary>
    public string? FixedTag { get; init; }

    /// <summary>The package whose version's major number is the tag (nodejs), when <see cref="FixedTag"/> is null.</summary>
    public string? TagPackage { get; init; }

    /// <summary>The package whose version must start with <see cref="FixedTag"/> (python3 → 3.11), checked after the build.</summary>
    public string? CheckedPackage { get; init; }

    /// <summary>Whether the runtime layer also carries the host's .NET shared runtime (Debian has no package).</summary>
    public bool AddsDotnetRuntime { get; init; }

    /// <summary>Extra image environment variables (NAME=value).</summary>
    public IReadOnlyList<string> Env { get; init; } = [];

    /// <summary>The OCI layout ref name for a tag: "python-3.11" (one layout holds all images).</summary>
    public string RefName(string tag) => $"{Name}-{tag}";
}
