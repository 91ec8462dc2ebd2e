using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Lamina.Oci;

namespace Lamina.Images.Unpack;

/// <summary>The outcome of unpacking one layer: the digest and size of its uncompressed tar (its diff_id) and what was written.</summary>
public sealed record UnpackResult(Digest DiffId, long UncompressedBytes, UnpackStats Stats);

/// <summary>
/// Decompresses a layer blob by media type, hashes the uncompressed tar stream (the diff_id) and applies its
/// entries to a directory with <see cref="SnapshotWriter"/>. Streaming throughout: memory stays flat whatever
/// the layer size. The caller verifies the diff_id and decides whether to publish the directory.
/// </summary>
public static class LayerUnpacker
{
    /// <summary>Layer media types we can read; anything else (foreign, nondistributable, encrypted…) is refused.</summary>
    public static bool IsSupported(string mediaType) => mediaType is MediaTypes.OciLayerTar or MediaTypes.OciLayerGzip
        or MediaTypes.OciLayerZstd or MediaTypes.DockerLayerGzip;

    /// <param name="blob">The layer as stored in the registry (compressed). Disposed by this call.</param>
    /// <param name="mediaType">The layer descriptor's media type.</param>
    /// <param name="compressedSize">The descriptor size, for the compression-ratio bound.</param>
    /// <param name="target">An existing empty directory, private to the caller.</param>
    /// <param name="limits">Size bounds.</param>
    /// <param name="budget">Optional image-wide budget: called with each increment of uncompressed bytes; returns a refusal message when exhausted.</param>
    /// <param name="progress">Uncompressed bytes read so far.</param>
    /// <param name="cancellationToken">Stops between entries.</param>
    /// <param name="readAhead">Decompress and hash on a second thread while this one writes files. Off by default: on the
    /// loaded 2-core benchmark machine one thread was faster (bench/images/README.md); re-measure on idle many-core hosts.</param>
    /// <exception cref="ImageException">The layer is unsupported, malformed, unsafe or too large.</exception>
    public static UnpackResult Unpack(Stream blob, string mediaType, long compressedSize, string target, UnpackLimits limits,
        Func<long, string?>? budget = null, IProgress<long>? progress = null, bool readAhead = false,
        CancellationToken cancellationToken = default)
    {
        if (!IsSupported(mediaType))
        {
            blob.Dispose();
            throw new ImageException(ImageErrorCode.UnsupportedMediaType, $"layer media type '{mediaType}' is not supported");
        }
        Stream decompressed = mediaType switch
        {
            MediaTypes.OciLayerGzip or MediaTypes.DockerLayerGzip => new GZipStream(blob, CompressionMode.Decompress),
            MediaTypes.OciLayerZstd => new ZstdSharp.DecompressionStream(blob),
            _ => blob,
        };
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long charged = 0, reported = 0;
        string? Check(long total)
        {
            if (total > limits.MaxLayerBytes) return $"layer uncompresses to more than {limits.MaxLayerBytes} bytes";
            if (total > limits.RatioFloorBytes && total > limits.MaxCompressionRatio * Math.Max(compressedSize, 1))
                return $"layer of {compressedSize} compressed bytes uncompresses past a ratio of {limits.MaxCompressionRatio} (decompression bomb?)";
            if (budget?.Invoke(total - charged) is { } refusal) return refusal;
            charged = total;
            if (progress is not null && total - reported >= 4 << 20) { reported = total; progress.Report(total); }
            return null;
        }
        using var counted = new BoundedHashingStream(decompressed, hash, Check);
        var writer = new SnapshotWriter(target);
        try
        {
            using var ahead = readAhead ? new ReadAheadStream(counted) : null;
            Stream input = ahead is null ? counted : ahead;
            using var reader = new TarReader(input, leaveOpen: true);
            TarEntry? entry;
            while ((entry = reader.GetNextEntry(copyData: false)) is not null)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (writer.Stats.Entries >= limits.MaxEntries)
                    throw new ImageException(ImageErrorCode.TooLarge, $"layer has more than {limits.MaxEntries} entries");
                writer.Apply(entry);
            }
            // Read the end-of-archive padding the tar reader left, so the diff_id covers the whole stream.
            var rest = new byte[64 * 1024];
            while (input.Read(rest) > 0) { }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or ZstdSharp.ZstdException
                                      or ArgumentException or OverflowException
                                      || (e is InvalidOperationException && e.TargetSite?.DeclaringType?.Namespace == "System.Formats.Tar"))
        {
            throw new ImageException(ImageErrorCode.InvalidLayer, $"layer is not a valid {Describe(mediaType)}: {e.Message}", e);
        }
        catch (NotSupportedException e) when (e.TargetSite?.DeclaringType?.Namespace == "System.Formats.Tar")
        {
            // GNU sparse files and other entry types the reader cannot read (found by fuzz/, target tar).
            throw new ImageException(ImageErrorCode.InvalidLayer, $"layer has a tar entry Lamina cannot unpack: {e.Message}", e);
        }
        writer.Finish();
        progress?.Report(counted.BytesRead);
        return new UnpackResult(Digest.FromHash(DigestAlgorithm.Sha256, hash.GetHashAndReset()), counted.BytesRead, writer.Stats);
    }

    private static string Describe(string mediaType) => mediaType switch
    {
        MediaTypes.OciLayerZstd => "zstd-compressed tar stream",
        MediaTypes.OciLayerTar => "tar stream",
        _ => "gzip-compressed tar stream",
    };
}
