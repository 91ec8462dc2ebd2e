namespace Lamina.Images.Unpack;

/// <summary>
/// Bounds that keep a decompression bomb from filling the disk. A layer is refused as soon as its
/// uncompressed bytes pass <see cref="MaxLayerBytes"/>, or pass both <see cref="RatioFloorBytes"/> and
/// <see cref="MaxCompressionRatio"/> times its compressed size. The image-wide budget is enforced by the
/// store across layers.
/// </summary>
public sealed record UnpackLimits
{
    /// <summary>AWS's limit for a Lambda container image: 10 GiB.</summary>
    public long MaxImageBytes { get; init; } = 10L * 1024 * 1024 * 1024;

    public long MaxLayerBytes { get; init; } = 10L * 1024 * 1024 * 1024;

    /// <summary>Real layers compress 2–10×; runs of zeros reach 1000×. 200 leaves room for sparse-ish data.</summary>
    public double MaxCompressionRatio { get; init; } = 200;

    /// <summary>Small layers are never refused for their ratio alone.</summary>
    public long RatioFloorBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Entries per layer; each costs a few syscalls and an inode.</summary>
    public long MaxEntries { get; init; } = 5_000_000;
}
