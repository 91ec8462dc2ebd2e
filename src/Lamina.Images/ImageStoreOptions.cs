using Lamina.Images.Registry;
using Lamina.Images.Unpack;

namespace Lamina.Images;

/// <summary>Where the image store keeps its data and how it pulls.</summary>
public sealed record ImageStoreOptions
{
    /// <summary>The data directory; the store uses DATA/snapshots, DATA/images and DATA/downloads.</summary>
    public required string DataDirectory { get; init; }

    public UnpackLimits Limits { get; init; } = new();

    /// <summary>Layers downloaded and unpacked at once per pull.</summary>
    public int MaxParallelLayers { get; init; } = 3;

    /// <summary>syncfs before a snapshot is published. Off only for tests and benchmarks.</summary>
    public bool Durable { get; init; } = true;

    public RegistryClientOptions Registry { get; init; } = new();
}
