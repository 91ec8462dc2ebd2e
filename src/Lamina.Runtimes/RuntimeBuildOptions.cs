using Lamina.Runtimes.Debian;

namespace Lamina.Runtimes;

/// <summary>Inputs of a runtime image build. Same inputs → same digests.</summary>
public sealed class RuntimeBuildOptions
{
    /// <summary>The OCI image layout directory to write: new, empty, or an existing layout (its other images stay listed).</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>The lamina-init binary to bake in at /opt/lamina/lamina-init (a NativeAOT build).</summary>
    public required string AgentBinary { get; init; }

    /// <summary>Built Debian layers and the base root filesystem, keyed by their inputs. Default <see cref="DefaultCacheDirectory"/>.</summary>
    public string CacheDirectory { get; init; } = DefaultCacheDirectory;

    /// <summary>The images to build (default all four).</summary>
    public IReadOnlyList<RuntimeImage> Images { get; init; } = RuntimeCatalog.All;

    /// <summary>The Debian archive (default bookworm on deb.debian.org, as apt is configured here).</summary>
    public DebianArchive Archive { get; init; } = DebianArchive.Bookworm;

    /// <summary>Every time stamp in the images (seconds since 1970): $SOURCE_DATE_EPOCH, else 2025-01-01.</summary>
    public long SourceDateEpoch { get; init; } = long.TryParse(Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH"), out var e) && e >= 0 ? e : 1735689600;

    /// <summary>Progress lines (one per step); null for silence.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>$XDG_CACHE_HOME/lamina/runtimes, else ~/.cache/lamina/runtimes.</summary>
    public static string DefaultCacheDirectory =>
        Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "lamina", "runtimes");
}
