using Lamina.Build.Layers;
using Lamina.Oci;

namespace Lamina.Build.Output;

/// <summary>
/// A built image: its OCI manifest and config (bytes as they will be pushed) and its layers, all in the build's
/// blob store. Write it out with <see cref="OciLayoutWriter"/> or push the layout.
/// </summary>
public sealed record BuiltImage(
    Digest ManifestDigest,
    byte[] Manifest,
    Digest ConfigDigest,
    byte[] Config,
    IReadOnlyList<Descriptor> Layers,
    IReadOnlyList<Digest> DiffIds,
    BlobStore Blobs)
{
    /// <summary>The manifest's descriptor.</summary>
    public Descriptor ManifestDescriptor => new(MediaTypes.OciManifest, ManifestDigest, Manifest.Length);
}
