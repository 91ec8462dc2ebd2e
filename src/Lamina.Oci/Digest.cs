using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Lamina.Oci;

/// <summary>
/// A content digest as the OCI image spec defines it: <c>algorithm ":" encoded</c>.
/// Only the registered algorithms sha256 and sha512 are accepted; the encoded part
/// must be lower-case hex of the algorithm's exact length, so a parsed digest is
/// always safe to use as a file name.
/// </summary>
public readonly record struct Digest
{
    private Digest(DigestAlgorithm algorithm, string encoded)
    {
        Algorithm = algorithm;
        Encoded = encoded;
    }

    public DigestAlgorithm Algorithm { get; }

    /// <summary>Lower-case hex, 64 characters for sha256 and 128 for sha512.</summary>
    public string Encoded { get; }

    public string AlgorithmName => Algorithm == DigestAlgorithm.Sha512 ? "sha512" : "sha256";

    public override string ToString() => $"{AlgorithmName}:{Encoded}";

    public static Digest Parse(string value) =>
        TryParse(value, out var digest) ? digest : throw new FormatException($"'{value}' is not a valid digest");

    public static bool TryParse([NotNullWhen(true)] string? value, out Digest digest)
    {
        digest = default;
        if (value is null) return false;
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0) return false;
        var algorithm = value.AsSpan(0, colon);
        var encoded = value.AsSpan(colon + 1);
        DigestAlgorithm alg;
        int length;
        if (algorithm.SequenceEqual("sha256")) { alg = DigestAlgorithm.Sha256; length = 64; }
        else if (algorithm.SequenceEqual("sha512")) { alg = DigestAlgorithm.Sha512; length = 128; }
        else return false;
        if (encoded.Length != length) return false;
        foreach (var c in encoded)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f'))) return false;
        }
        digest = new Digest(alg, encoded.ToString());
        return true;
    }

    /// <summary>True when <paramref name="value"/> has the digest grammar but names an algorithm we do not implement.</summary>
    public static bool IsUnsupportedAlgorithm(string? value)
    {
        if (value is null) return false;
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == value.Length - 1) return false;
        var algorithm = value.AsSpan(0, colon);
        foreach (var c in algorithm)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '+' or '.' or '_' or '-')) return false;
        }
        return !algorithm.SequenceEqual("sha256") && !algorithm.SequenceEqual("sha512");
    }

    public static Digest Compute(ReadOnlySpan<byte> content, DigestAlgorithm algorithm = DigestAlgorithm.Sha256)
    {
        Span<byte> hash = stackalloc byte[64];
        var written = algorithm == DigestAlgorithm.Sha512
            ? SHA512.HashData(content, hash)
            : SHA256.HashData(content, hash);
        return FromHash(algorithm, hash[..written]);
    }

    public static Digest FromHash(DigestAlgorithm algorithm, ReadOnlySpan<byte> hash) =>
        new(algorithm, Convert.ToHexStringLower(hash));

    public IncrementalHash CreateHasher() => CreateHasher(Algorithm);

    public static IncrementalHash CreateHasher(DigestAlgorithm algorithm) =>
        IncrementalHash.CreateHash(algorithm == DigestAlgorithm.Sha512 ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256);
}

public enum DigestAlgorithm
{
    Sha256,
    Sha512,
}
