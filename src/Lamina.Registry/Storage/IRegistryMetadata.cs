using Lamina.Oci;

namespace Lamina.Registry.Storage;

/// <summary>
/// The registry's metadata: repositories, which blobs each repository may serve, manifests,
/// tags and policies. Blob bytes live in <see cref="IBlobStore"/>; this store only knows about them.
/// The default implementation is SQLite under the data directory; every method is one transaction.
/// Expected failures (a missing repository, an immutable tag) come back as values, not exceptions.
/// </summary>
public interface IRegistryMetadata
{
    // ---- repositories -------------------------------------------------------------
    Task<RepositoryInfo?> GetRepositoryAsync(string name, CancellationToken ct = default);

    /// <summary>Creates the repository (ECR CreateRepository). Returns null when it already exists.</summary>
    Task<RepositoryInfo?> CreateRepositoryAsync(string name, TagMutability mutability, CancellationToken ct = default);

    /// <summary>Returns the repository, creating it with default settings if needed (a docker push creates it implicitly).</summary>
    Task<RepositoryInfo> EnsureRepositoryAsync(string name, CancellationToken ct = default);

    /// <summary>Repositories in name order strictly after <paramref name="after"/>, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<RepositoryInfo>> ListRepositoriesAsync(string? after, int limit, CancellationToken ct = default);

    /// <summary>Deletes a repository. Without <paramref name="force"/> it must hold no manifests.</summary>
    Task<DeleteRepositoryResult> DeleteRepositoryAsync(string name, bool force, CancellationToken ct = default);

    Task<bool> SetTagMutabilityAsync(string name, TagMutability mutability, CancellationToken ct = default);
    Task<bool> SetLifecyclePolicyAsync(string name, string? policyText, CancellationToken ct = default);

    // ---- blobs ----------------------------------------------------------------------
    /// <summary>Records that the blob (already durable in the blob store) belongs to the repository.</summary>
    Task LinkBlobAsync(string repository, Digest digest, long size, CancellationToken ct = default);

    /// <summary>The blob's size if the repository may serve it, otherwise null.</summary>
    Task<long?> GetLinkedBlobSizeAsync(string repository, Digest digest, CancellationToken ct = default);

    /// <summary>The blob's size if any repository holds it (for cross-repository dedup), otherwise null.</summary>
    Task<long?> GetBlobSizeAsync(Digest digest, CancellationToken ct = default);

    /// <summary>
    /// Like <see cref="GetLinkedBlobSizeAsync"/>, for a client about to rely on the link (HEAD before a push skips the
    /// upload): when the link's clock is older than <paramref name="staleBefore"/> it is restarted, so garbage
    /// collection does not drop the link before that client's manifest arrives.
    /// </summary>
    Task<long?> TouchLinkedBlobAsync(string repository, Digest digest, DateTimeOffset staleBefore, CancellationToken ct = default);

    Task<bool> UnlinkBlobAsync(string repository, Digest digest, CancellationToken ct = default);

    /// <summary>Records that the blob is durable in the blob store without linking it to a repository, and restarts its GC grace period.</summary>
    Task TouchBlobAsync(Digest digest, long size, CancellationToken ct = default);

    /// <summary>Whether the metadata knows the blob at all (GC removes files on disk that it does not).</summary>
    Task<bool> IsBlobKnownAsync(Digest digest, CancellationToken ct = default);

    // ---- manifests and tags ---------------------------------------------------------
    /// <summary>
    /// Stores a manifest (its bytes are already in the blob store) with the blobs and child manifests it
    /// references, and optionally points <paramref name="tag"/> at it. Refused with
    /// <see cref="PutManifestStatus.TagImmutable"/> when the repository is IMMUTABLE and the tag points elsewhere.
    /// </summary>
    Task<PutManifestResult> PutManifestAsync(string repository, ManifestRecord manifest, string? tag, CancellationToken ct = default);

    Task<ManifestRecord?> GetManifestAsync(string repository, Digest digest, CancellationToken ct = default);
    Task<ManifestRecord?> GetManifestByTagAsync(string repository, string tag, CancellationToken ct = default);

    /// <summary>
    /// Deletes the manifest and every tag pointing at it, and the child manifests of a deleted index that nothing
    /// else keeps (a tag, another manifest; a referrer does not keep its subject). Links to the blobs they referenced stay until garbage
    /// collection finds them unreferenced past the grace period (<see cref="UnlinkUnreferencedAsync"/>).
    /// </summary>
    Task<bool> DeleteManifestAsync(string repository, Digest digest, CancellationToken ct = default);

    Task<bool> DeleteTagAsync(string repository, string tag, CancellationToken ct = default);

    /// <summary>Tags in lexical order strictly after <paramref name="after"/>, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<string>?> ListTagsAsync(string repository, string? after, int limit, CancellationToken ct = default);

    /// <summary>Every manifest of the repository with its tags (ECR DescribeImages / ListImages, lifecycle rules).</summary>
    Task<IReadOnlyList<ImageRecord>> ListImagesAsync(string repository, CancellationToken ct = default);

    /// <summary>Manifests whose subject is <paramref name="subject"/> (the referrers API).</summary>
    Task<IReadOnlyList<ManifestRecord>> ListReferrersAsync(string repository, Digest subject, CancellationToken ct = default);

    // ---- garbage collection -----------------------------------------------------------
    /// <summary>
    /// Deletes referrers whose subject is not a manifest of their repository (deleted, or never pushed), that no tag
    /// or index keeps, pushed before <paramref name="olderThan"/>; referrers of those go too. Returns how many manifests.
    /// </summary>
    Task<int> DeleteOrphanReferrersAsync(DateTimeOffset olderThan, CancellationToken ct = default);

    /// <summary>
    /// Drops repository links to blobs no manifest of that repository references (nor is), whose clock is older than
    /// <paramref name="olderThan"/>: the layers of deleted images, uploads whose manifest never came. Returns how many.
    /// </summary>
    Task<int> UnlinkUnreferencedAsync(DateTimeOffset olderThan, CancellationToken ct = default);

    /// <summary>Blobs no repository links and no manifest references, last touched before <paramref name="olderThan"/>.</summary>
    Task<IReadOnlyList<Digest>> FindUnreferencedBlobsAsync(DateTimeOffset olderThan, CancellationToken ct = default);

    /// <summary>Forgets the blob if it is still unreferenced and untouched since <paramref name="olderThan"/>; true when it may be deleted from disk.</summary>
    Task<bool> TryForgetBlobAsync(Digest digest, DateTimeOffset olderThan, CancellationToken ct = default);
}

public enum TagMutability { Mutable, Immutable }

public sealed record RepositoryInfo(string Name, DateTimeOffset CreatedAt, TagMutability TagMutability, string? LifecyclePolicy);

public enum DeleteRepositoryResult { Deleted, NotFound, NotEmpty }

/// <summary>A stored manifest. <see cref="References"/> lists config, layers and child manifests.</summary>
public sealed record ManifestRecord(
    Digest Digest,
    string MediaType,
    long Size,
    string? ArtifactType,
    Digest? Subject,
    IReadOnlyDictionary<string, string>? Annotations,
    DateTimeOffset PushedAt,
    IReadOnlyList<Descriptor> References);

/// <summary>A manifest with its tags and the total size of the blobs it references.</summary>
public sealed record ImageRecord(ManifestRecord Manifest, IReadOnlyList<string> Tags, long ImageSizeInBytes);

public enum PutManifestStatus { Stored, TagImmutable, ReferenceMissing }

public sealed record PutManifestResult(PutManifestStatus Status, Digest? MissingReference = null);
