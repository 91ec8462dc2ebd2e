using System.Collections.Concurrent;
using Lamina.Control.Domain;
using Lamina.Control.States;
using Lamina.Images;
using Lamina.Oci;

namespace Lamina.Scheduler;

/// <summary>
/// Pulled images by manifest digest. A function's image is pulled from Lamina's own registry over loopback
/// HTTP with the server's credentials (the image store verifies and unpacks it once into snapshots), when the
/// function becomes Active and again by the first invoke after a restart (then only the manifest and config
/// travel: the snapshots are already there). Concurrent requests for one digest share one pull. Each pull's
/// progress is kept (by digest, the latest per image URI) for <see cref="IImagePullProgress"/>.
/// </summary>
public sealed class ImageCache(Lazy<ImageStore> store, Func<CancellationToken, Task<string>> loopbackAuthority) : IDisposable, IImagePullProgress
{
    /// <summary>The image store (created on first use, so a server that never pulls touches no directory).</summary>
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
        if (reference is null || !Digest.TryParse(digest, out _))
            return new PullResult(null, new ImageError(ImageErrorCode.InvalidReference, $"{imageUri}@{digest} is not an image reference"));
        _digestByUri[imageUri] = digest;
        var pull = _pulls.GetOrAdd(digest, _ => new Lazy<Task<PullResult>>(() =>
        {
            var tracker = new PullTracker(digest);
            _trackers[digest] = tracker;
            return PullAsync(reference.Repository, digest, tracker);
        }));
        var result = await pull.Value.WaitAsync(ct);
        if (!result.Succeeded) _pulls.TryRemove(new(digest, pull));
        return result;
    }

    // Not cancelled by one caller: others may be waiting on the same pull.
    private async Task<PullResult> PullAsync(string repository, string digest, PullTracker tracker)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        var authority = await loopbackAuthority(cts.Token);
        var result = await store.Value.PullAsync($"{authority}/{repository}@{digest}", tracker, cts.Token);
        if (!result.Succeeded) tracker.Fail(result.Error!.Message);
        return result;
    }
}
