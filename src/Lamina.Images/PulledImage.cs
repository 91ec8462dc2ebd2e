using Lamina.Oci;

namespace Lamina.Images;

/// <summary>A layer of a pulled image: its diff_id and the snapshot fs/ directory (an overlayfs lower dir).</summary>
public sealed record LayerSnapshot(Digest DiffId, string Path);

/// <summary>
/// An image whose every layer is unpacked and verified. <see cref="Layers"/> run lowest first; overlayfs takes
/// lowerdir in the opposite order (topmost first).
/// </summary>
public sealed record PulledImage(
    ImageReference Reference,
    Digest ManifestDigest,
    Digest ConfigDigest,
    ImageConfig Config,
    IReadOnlyList<LayerSnapshot> Layers);

/// <summary>The outcome of a pull: the image, or the one error that stopped it.</summary>
public sealed record PullResult(PulledImage? Image, ImageError? Error)
{
    public bool Succeeded => Image is not null;
}
