using Lamina.Images.Registry;

namespace Lamina.Build;

/// <summary>What to build: a context directory and a Dockerfile, with build arguments and an optional target stage.</summary>
/// <param name="ContextDirectory">The build context (COPY sources are relative to it; .dockerignore read from it).</param>
/// <param name="DockerfilePath">The Dockerfile (default CONTEXT/Dockerfile).</param>
public sealed record BuildRequest(string ContextDirectory, string DockerfilePath)
{
    /// <summary>--build-arg values; only ARGs the Dockerfile declares take effect (others produce a warning).</summary>
    public IReadOnlyDictionary<string, string> BuildArgs { get; init; } = new Dictionary<string, string>();

    /// <summary>--target: the stage to build (name or index); null builds the last stage.</summary>
    public string? Target { get; init; }
}

/// <summary>Where and how the builder works.</summary>
public sealed record BuildOptions
{
    /// <summary>The build cache: blobs, unpacked snapshots, cache entries and the sandboxes' scratch space.</summary>
    public required string CacheDirectory { get; init; }

    /// <summary>How base images are pulled (credentials, insecure registries).</summary>
    public RegistryClientOptions Registry { get; init; } = new();

    /// <summary>SOURCE_DATE_EPOCH: clamps file times and fixes every created timestamp, for reproducible images.</summary>
    public DateTimeOffset? SourceDateEpoch { get; init; }

    /// <summary>Ignore cached layers (they are still written for the next build).</summary>
    public bool NoCache { get; init; }

    /// <summary>Reads SOURCE_DATE_EPOCH from the environment (seconds since the epoch), null when unset.</summary>
    /// <exception cref="BuildException">The variable is set but not a number.</exception>
    public static DateTimeOffset? SourceDateEpochFromEnvironment()
    {
        var text = Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH");
        if (string.IsNullOrEmpty(text)) return null;
        return long.TryParse(text, out var s) && s >= 0
            ? DateTimeOffset.FromUnixTimeSeconds(s)
            : throw new BuildException($"SOURCE_DATE_EPOCH='{text}' is not a number of seconds");
    }
}
