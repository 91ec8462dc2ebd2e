using Lamina.Oci;

namespace Lamina.Registry.Storage;

/// <summary>
/// Where blob bytes and metadata meet: every step that makes a blob exist for a repository runs under the
/// digest's lock (<see cref="DigestLocks"/>), the same lock garbage collection takes before deleting, so
/// "bytes in place" and "metadata says referenced" change together. Used by the /v2/ API and the ECR API.
/// </summary>
public sealed class ContentStore(FileBlobStore blobs, IRegistryMetadata metadata, DigestLocks locks, RegistryOptions options, TimeProvider time)
{
    public FileBlobStore Blobs => blobs;

    /// <summary>
    /// The blob's size if <paramref name="repository"/> may serve it, otherwise null; for answers a client may act on
    /// (HEAD/GET of a blob, ECR BatchCheckLayerAvailability: "it is there, skip the upload"). A link older than half
    /// the grace period gets a fresh clock, so a push that skipped the upload has at least half
    /// <see cref="RegistryOptions.GcGracePeriod"/> to put its manifest before collection may drop the link.
    /// </summary>
    public Task<long?> GetServableBlobSizeAsync(string repository, Digest digest, CancellationToken ct = default) =>
        options.GcGracePeriod > TimeSpan.Zero
            ? metadata.TouchLinkedBlobAsync(repository, digest, time.GetUtcNow() - options.GcGracePeriod / 2, ct)
            // With no grace period a fresh clock protects nothing: do not turn every blob read into a write.
            : metadata.GetLinkedBlobSizeAsync(repository, digest, ct);

    /// <summary>
    /// Publishes a verified, fsynced temporary file as blob <paramref name="digest"/> and links it to
    /// <paramref name="repository"/>. Durable when the task completes. The temporary file is consumed.
    /// </summary>
    public async Task CommitBlobAsync(string repository, string tempPath, Digest digest, long size, CancellationToken ct = default)
    {
        using var _ = await locks.AcquireAsync(digest, ct);
        blobs.MoveIntoPlace(tempPath, digest);
        await metadata.LinkBlobAsync(repository, digest, size, ct);
    }

    /// <summary>Links a blob that <paramref name="from"/> holds into <paramref name="repository"/> (cross-repository mount); its size, or null when <paramref name="from"/> does not hold it.</summary>
    public async Task<long?> MountAsync(string repository, string from, Digest digest, CancellationToken ct = default)
    {
        using var _ = await locks.AcquireAsync(digest, ct);
        var size = await metadata.GetLinkedBlobSizeAsync(from, digest, ct);
        if (size is null || !blobs.Exists(digest)) return null;
        await metadata.LinkBlobAsync(repository, digest, size.Value, ct);
        return size;
    }

    /// <summary>Links a blob already stored for any repository (content dedup without re-upload); its size, or null when absent.</summary>
    public async Task<long?> LinkExistingAsync(string repository, Digest digest, CancellationToken ct = default)
    {
        using var _ = await locks.AcquireAsync(digest, ct);
        var size = await metadata.GetBlobSizeAsync(digest, ct);
        if (size is null || !blobs.Exists(digest)) return null;
        await metadata.LinkBlobAsync(repository, digest, size.Value, ct);
        return size;
    }

    /// <summary>
    /// Validates and stores a manifest: size limit, parse, digest of the bytes against <paramref name="reference"/>
    /// when it is a digest, every referenced blob and child manifest present in the repository, then the bytes as
    /// a blob and the record (and tag) in metadata. <paramref name="reference"/> is a tag, a digest or null.
    /// </summary>
    public async Task<ManifestPutOutcome> PutManifestAsync(string repository, ReadOnlyMemory<byte> content, string? contentType, string? reference, CancellationToken ct = default)
    {
        if (content.Length > ImageManifest.MaxBytes)
        {
            return ManifestPutOutcome.Fail(ManifestPutStatus.TooLarge, $"manifest is {content.Length} bytes, the limit is {ImageManifest.MaxBytes}");
        }
        string? tag = null;
        Digest? expected = null;
        if (reference is not null)
        {
            if (Digest.TryParse(reference, out var d)) expected = d;
            else if (RepositoryName.IsValidTag(reference)) tag = reference;
            else return ManifestPutOutcome.Fail(ManifestPutStatus.InvalidReference, $"'{reference}' is neither a tag nor a digest");
        }
        return await PutManifestAsync(repository, content, contentType, tag, expected, ct);
    }

    /// <summary>
    /// Like the reference form, with the tag and the expected digest given separately (ECR PutImage may give both).
    /// The digest of the bytes is computed with <paramref name="expectedDigest"/>'s algorithm, sha256 otherwise.
    /// </summary>
    public async Task<ManifestPutOutcome> PutManifestAsync(string repository, ReadOnlyMemory<byte> content, string? contentType, string? tag, Digest? expectedDigest, CancellationToken ct = default)
    {
        if (content.Length > ImageManifest.MaxBytes)
        {
            return ManifestPutOutcome.Fail(ManifestPutStatus.TooLarge, $"manifest is {content.Length} bytes, the limit is {ImageManifest.MaxBytes}");
        }
        if (tag is not null && !RepositoryName.IsValidTag(tag))
        {
            return ManifestPutOutcome.Fail(ManifestPutStatus.InvalidReference, $"'{tag}' is not a valid tag");
        }
        var digest = Digest.Compute(content.Span, expectedDigest?.Algorithm ?? DigestAlgorithm.Sha256);
        if (expectedDigest is { } e && e != digest)
        {
            return ManifestPutOutcome.Fail(ManifestPutStatus.DigestMismatch, $"content digest is {digest}, not {e}");
        }
        if (!ImageManifest.TryParse(content.Span, contentType, out var parsed, out var error))
        {
            return ManifestPutOutcome.Fail(ManifestPutStatus.Invalid, error);
        }
        var references = parsed!.IsIndex ? parsed.Manifests : parsed.BlobReferences.ToList();
        var record = new ManifestRecord(digest, parsed.MediaType, content.Length, parsed.ArtifactType, parsed.Subject?.Digest,
            parsed.Annotations, time.GetUtcNow(), references);

        using var _ = await locks.AcquireAsync(digest, ct);
        await blobs.WriteAsync(digest, content, ct);
        await metadata.TouchBlobAsync(digest, content.Length, ct);
        var result = await metadata.PutManifestAsync(repository, record, tag, ct);
        return result.Status switch
        {
            PutManifestStatus.Stored => new ManifestPutOutcome(ManifestPutStatus.Stored, record, null, null),
            PutManifestStatus.TagImmutable => ManifestPutOutcome.Fail(ManifestPutStatus.TagImmutable,
                $"tag '{tag}' already exists in repository '{repository}' and cannot be overwritten because the repository is immutable"),
            _ => new ManifestPutOutcome(ManifestPutStatus.ReferenceMissing, null,
                $"manifest references {result.MissingReference}, which is not in repository '{repository}'", result.MissingReference),
        };
    }
}

public enum ManifestPutStatus { Stored, TooLarge, InvalidReference, DigestMismatch, Invalid, ReferenceMissing, TagImmutable }

/// <summary>The result of <see cref="ContentStore.PutManifestAsync"/>: the stored record, or why it was refused.</summary>
public sealed record ManifestPutOutcome(ManifestPutStatus Status, ManifestRecord? Manifest, string? Error, Digest? MissingReference)
{
    internal static ManifestPutOutcome Fail(ManifestPutStatus status, string error) => new(status, null, error, null);
}
