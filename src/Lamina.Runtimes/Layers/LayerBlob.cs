namespace Lamina.Runtimes.Layers;

/// <summary>A written gzip layer: its blob digest and size, and the digest of the uncompressed tar (diff_id).</summary>
public sealed record LayerBlob(string Digest, long Size, string DiffId);
