using Lamina.Oci;

namespace Lamina.Images;

/// <summary>Where a pull is.</summary>
public enum PullPhase
{
    /// <summary>Fetching and verifying the manifest (and, for an index, the linux/amd64 child).</summary>
    Manifest,
    /// <summary>Fetching and verifying the image config.</summary>
    Config,
    /// <summary>The image's layers are known: <see cref="PullProgress.Total"/> is their compressed size, <see cref="PullProgress.LayerCount"/> their number.</summary>
    Layers,
    /// <summary>A layer's snapshot already exists; nothing to download.</summary>
    LayerCached,
    /// <summary>Compressed bytes of a layer received so far (of <see cref="PullProgress.Total"/>).</summary>
    Downloading,
    /// <summary>Uncompressed bytes of a layer unpacked so far.</summary>
    Unpacking,
    /// <summary>A layer's snapshot is published.</summary>
    LayerDone,
    /// <summary>The image is recorded and every snapshot is in place.</summary>
    Done,
}

/// <summary>One progress report; <see cref="Layer"/> is the layer's compressed digest for layer phases.</summary>
public sealed record PullProgress(PullPhase Phase, Digest? Layer, long Bytes, long? Total)
{
    /// <summary>The number of layers, on the <see cref="PullPhase.Layers"/> report; 0 on others.</summary>
    public int LayerCount { get; init; }
}
