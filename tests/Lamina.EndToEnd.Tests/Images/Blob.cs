using System.Security.Cryptography;

namespace Lamina.EndToEnd.Tests.Images;

/// <summary>A content descriptor as it appears in manifests: media type, digest and size.</summary>
public sealed record Blob(string MediaType, string Digest, long Size)
{
    /// <summary>The hex part of the digest (after "sha256:").</summary>
    public string Hex => Digest[(Digest.IndexOf(':', StringComparison.Ordinal) + 1)..];

    public static string Sha256(ReadOnlySpan<byte> bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static string Sha256(Stream stream) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(stream));
}

/// <summary>A layer blob plus the digest of its uncompressed tar (the config's rootfs.diff_ids).</summary>
public sealed record Layer(Blob Blob, string DiffId);

/// <summary>An image manifest written to a layout, with everything it references.</summary>
public sealed record OciImage(Blob Manifest, Blob Config, IReadOnlyList<Layer> Layers, string Os, string Architecture)
{
    /// <summary>Every blob the manifest references (config first), for pull-side checks.</summary>
    public IEnumerable<Blob> ReferencedBlobs => [Config, .. Layers.Select(l => l.Blob)];
}
