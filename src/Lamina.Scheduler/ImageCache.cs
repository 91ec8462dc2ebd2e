using System.Collections.Concurrent;
using Lamina.Control.Domain;
using Lamina.Control.States;
using Lamina.Images;
using Lamina.Oci;

namespace Lamina.Scheduler;

/// <summary>
/// Pulled images by manifest digest. An image already unpacked in the image store is opened from disk (no
/// registry involved: after a restart, and after its source was deleted from the registry, as AWS runs its
/// own copy). Otherwise it is pulled: from Lamina's own registry over loopback HTTP with the server's
/// credentials, or from another registry (<see cref="Control.States.RegistriesOptions"/>) by digest.
/// Concurrent requests for one digest share one pull. Each pull's progress is kept (by digest, the latest per
/// image URI) for <see cref="IImagePullProgress"/>.
/// </summary>
/// <param name="store">The image store (created on first use, so a server that never pulls touches no directory).</param>
/// <param name="loopbackAuthority">host:port of this server's own registry over loopback.</param>
/// <param name="isLocal">Whether a reference names this server's registry (else it names another).</param>
public sealed class ImageCache(Lazy<ImageStore> store, Func<CancellationToken, Task<string>> loopbackAuthority,
    Func<ImageReference, CancellationToken, Task<bool>> isLocal) : IDisposable, IImagePullProgress
{
    /// <summary>The image store.</summary>
    public ImageStore Store => store.Value;

    public void Dispose()
    {
        if (store.IsValueCreated) store.Value.Dispose();
    }

    private readonly ConcurrentDictionary<string, Lazy<Task<PullResult>>> _pulls = new(StringComparer.Ordinal);
    // Bounded by the distinct images this process pulled: one small tracker each.
    private readonly ConcurrentDictionary<string, PullTracker> _trackers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _digestByUri = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public ImagePullStatus? Status(string imageUri) =>
        _digestByUri.TryGetValue(imageUri, out var digest) && _trackers.TryGetValue(digest, out var tracker) ? tracker.Snapshot() : null;

    /// <summary>The image of <paramref name="imageUri"/> pinned to <paramref name="digest"/>, pulled and unpacked; or why not.</summary>
    public async Task<PullResult> GetAsync(string imageUri, string digest, CancellationToken ct)
    {
        var reference = LambdaImageUri.Parse(imageUri);
        if (reference is null || !Digest.TryParse(digest, out var pinned))
            return new PullResult(null, new ImageError(ImageErrorCode.InvalidReference, $"{imageUri}@{digest} is not an image reference"));
        _digestByUri[imageUri] = digest;
        var pull = _pulls.GetOrAdd(digest, _ => new Lazy<Task<PullResult>>(() =>
        {
            var tracker = new PullTracker(digest);
            _trackers[digest] = tracker;
            return PullAsync(reference, pinned, tracker);
        }));
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
    private async Task<PullResult> PullAsync(ImageReference reference, Digest digest, PullTracker tracker)
    {
        // Off the caller's thread: opening reads and hashes the manifest and config files.
        await Task.Yield();
        if (store.Value.TryOpen(digest) is { } opened)
        {
            // Already unpacked: the progress reads as a pull whose every layer was cached.
            tracker.Report(new PullProgress(PullPhase.Layers, null, 0, 0) { LayerCount = opened.Layers.Count });
            foreach (var layer in opened.Layers) tracker.Report(new PullProgress(PullPhase.LayerCached, layer.DiffId, 0, 0));
            tracker.Report(new PullProgress(PullPhase.Done, null, 0, null));
            return new PullResult(opened, null);
        }
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        var source = await isLocal(reference, cts.Token) ? await loopbackAuthority(cts.Token) : reference.Registry;
        var result = await store.Value.PullAsync(new ImageReference(source, reference.Repository, null, digest), tracker, cts.Token);
        if (!result.Succeeded) tracker.Fail(result.Error!.Message);
        return result;
    }
}
