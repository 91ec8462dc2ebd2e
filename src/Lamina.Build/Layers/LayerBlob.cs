using Lamina.Oci;

namespace Lamina.Build.Layers;

/// <summary>A finished gzip layer: its blob digest and size (the manifest descriptor) and its diff_id (the config's rootfs entry).</summary>
public sealed record LayerBlob(Digest Digest, long Size, Digest DiffId);
