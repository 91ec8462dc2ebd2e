using System.Collections.Concurrent;
using Lamina.Control.Domain;
using Lamina.Images;
using Lamina.Oci;

namespace Lamina.Scheduler;

/// <summary>
/// Pulled images by manifest digest. An image already unpacked in the image store is opened from disk (no
/// registry involved: after a restart, and after its source was deleted from the registry, as AWS runs its
/// own copy). Otherwise it is pulled: from Lamina's own registry over loopback HTTP with the server's
/// credentials, or from another registry (<see cref="Control.States.RegistriesOptions"/>) by digest.
/// Concurrent requests for one digest share one pull.
/// </summary>
/// <param name="store">The image store (created on first use, so a server that never pulls touches no directory).</param>
/// <param name="loopbackAuthority">host:port of this server's own registry over loopback.</param>
/// <param name="isLocal">Whether a reference names this server's registry (else it names another).</param>
public sealed class ImageCache(Lazy<ImageStore> store, Func<CancellationToken, Task<string>> loopbackAuthority,
    Func<ImageReference, CancellationToken, Task<bool>> isLocal) : IDisposable
{
    /// <summary>The image store.</summary>
    public ImageStore Store => store.Value;

    public void Dispose()
    {
        if (store.IsValueCreated) store.Value.Dispose();
    }

    private readonly ConcurrentDictionary<string, Lazy<Task<PullResult>>> _pulls = new(StringComparer.Ordinal);

    /// <summary>The image of <paramref name="imageUri"/> pinned to <paramref name="digest"/>, pulled and unpacked; or why not.</summary>
    public async Task<PullResult> GetAsync(string imageUri, string digest, CancellationToken ct)
    {
        var reference = LambdaImageUri.Parse(imageUri);
        if (reference is null || !Digest.TryParse(digest, out var pinned))
            return new PullResult(null, new ImageError(ImageErrorCode.InvalidReference, $"{imageUri}@{digest} is not an image reference"));
        var pull = _pulls.GetOrAdd(digest, _ => new Lazy<Task<PullResult>>(() => PullAsync(reference, pinned)));
        var result = await pull.Value.WaitAsync(ct);
        if (!result.Succeeded) _pulls.TryRemove(new(digest, pull));
        return result;
    }

    /// <summary>
    /// The manifest digest a tag of another registry names now (an index's linux/amd64 image), for pinning;
    /// or why not (not found, refused, unreachable).
    /// </summary>
    public Task<(Digest? Digest, ImageError? Error)> ResolveForeignAsync(ImageReference reference, CancellationToken ct) =>
        store.Value.ResolveAsync(reference, ct);

    // Not cancelled by one caller: others may be waiting on the same pull.
    private async Task<PullResult> PullAsync(ImageReference reference, Digest digest)
    {
        // Off the caller's thread: opening reads and hashes the manifest and config files.
        await Task.Yield();
        if (store.Value.TryOpen(digest) is { } opened) return new PullResult(opened, null);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        var source = await isLocal(reference, cts.Token) ? await loopbackAuthority(cts.Token) : reference.Registry;
        return await store.Value.PullAsync(new ImageReference(source, reference.Repository, null, digest), null, cts.Token);
    }
}
