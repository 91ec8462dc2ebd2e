using System.Collections.Concurrent;
using Lamina.Control.Domain;
using Lamina.Images;
using Lamina.Oci;

namespace Lamina.Scheduler;

/// <summary>
/// Pulled images by manifest digest. A function's image is pulled from Lamina's own registry over loopback
/// HTTP with the server's credentials (the image store verifies and unpacks it once into snapshots), when the
/// function becomes Active and again by the first invoke after a restart (then only the manifest and config
/// travel: the snapshots are already there). Concurrent requests for one digest share one pull.
/// </summary>
public sealed class ImageCache(Lazy<ImageStore> store, Func<CancellationToken, Task<string>> loopbackAuthority) : IDisposable
{
    /// <summary>The image store (created on first use, so a server that never pulls touches no directory).</summary>
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
        if (reference is null || !Digest.TryParse(digest, out _))
            return new PullResult(null, new ImageError(ImageErrorCode.InvalidReference, $"{imageUri}@{digest} is not an image reference"));
        var pull = _pulls.GetOrAdd(digest, _ => new Lazy<Task<PullResult>>(() => PullAsync(reference.Repository, digest)));
        var result = await pull.Value.WaitAsync(ct);
        if (!result.Succeeded) _pulls.TryRemove(new(digest, pull));
        return result;
    }

    // Not cancelled by one caller: others may be waiting on the same pull.
    private async Task<PullResult> PullAsync(string repository, string digest)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        var authority = await loopbackAuthority(cts.Token);
        return await store.Value.PullAsync($"{authority}/{repository}@{digest}", null, cts.Token);
    }
}
