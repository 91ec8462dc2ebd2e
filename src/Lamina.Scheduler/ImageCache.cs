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
    // One small tracker per digest and one entry per URI, until Prune finds no function using them.
    private readonly ConcurrentDictionary<string, PullTracker> _trackers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, UriUse> _digestByUri = new(StringComparer.Ordinal);

    /// <summary>The digest a URI was last pulled as, and when (<see cref="Environment.TickCount64"/>, ms).</summary>
    private sealed record UriUse(string Digest, long UsedAtMs);

    /// <summary>Image URIs and pull trackers this cache holds (for tests and diagnostics).</summary>
    public (int Uris, int Trackers, int Pulls) Counts => (_digestByUri.Count, _trackers.Count, _pulls.Count);

    /// <inheritdoc />
    public ImagePullStatus? Status(string imageUri) =>
        _digestByUri.TryGetValue(imageUri, out var use) && _trackers.TryGetValue(use.Digest, out var tracker) ? tracker.Snapshot() : null;

    /// <summary>
    /// Forgets what no function uses any more: each image URI not in <paramref name="liveUris"/> and unused for
    /// <paramref name="minIdle"/> (a function created after the caller read <paramref name="liveUris"/> keeps its
    /// entry), then each digest no remaining URI names — its progress tracker and its finished pull (a later
    /// <see cref="GetAsync"/> opens the unpacked image from disk again). A pull still running is never forgotten.
    /// Returns how many URIs and digests were forgotten.
    /// </summary>
    public (int Uris, int Digests) Prune(IReadOnlySet<string> liveUris, TimeSpan minIdle)
    {
        var idleBefore = Environment.TickCount64 - (long)minIdle.TotalMilliseconds;
        var uris = 0;
        foreach (var (uri, use) in _digestByUri)
        {
            if (!liveUris.Contains(uri) && use.UsedAtMs <= idleBefore && _digestByUri.TryRemove(new(uri, use))) uris++;
        }
        var named = _digestByUri.Values.Select(u => u.Digest).ToHashSet(StringComparer.Ordinal);
        var digests = 0;
        foreach (var digest in _trackers.Keys.Union(_pulls.Keys))
        {
            if (named.Contains(digest)) continue;
            if (_pulls.TryGetValue(digest, out var pull))
            {
                if (!pull.IsValueCreated || !pull.Value.IsCompleted) continue;
                _pulls.TryRemove(new(digest, pull));
            }
            _trackers.TryRemove(digest, out _);
            digests++;
        }
        return (uris, digests);
    }

    /// <summary>The image of <paramref name="imageUri"/> pinned to <paramref name="digest"/>, pulled and unpacked; or why not.</summary>
    public async Task<PullResult> GetAsync(string imageUri, string digest, CancellationToken ct)
    {
        var reference = LambdaImageUri.Parse(imageUri);
        if (reference is null || !Digest.TryParse(digest, out var pinned))
            return new PullResult(null, new ImageError(ImageErrorCode.InvalidReference, $"{imageUri}@{digest} is not an image reference"));
        _digestByUri[imageUri] = new UriUse(digest, Environment.TickCount64);
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
