using Lamina.Oci;

namespace Lamina.Registry.Storage;

/// <summary>
/// Content-addressed blob bytes, each stored once whatever the number of repositories using it.
/// Writes are atomic: a blob is either absent or complete and verified.
/// </summary>
public interface IBlobStore
{
    bool Exists(Digest digest);

    /// <summary>The blob's file path, for zero-copy serving (sendfile) and range requests; null when absent.</summary>
    string? GetPath(Digest digest);

    long? GetSize(Digest digest);

    /// <summary>Deletes the blob's bytes. Only garbage collection calls this, under the digest's lock.</summary>
    void Delete(Digest digest);
}
