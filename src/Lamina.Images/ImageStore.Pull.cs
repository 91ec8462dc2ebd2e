using Lamina.Images.Registry;
using Lamina.Images.Snapshots;
using Lamina.Images.Unpack;
using Lamina.Oci;

namespace Lamina.Images;

public sealed partial class ImageStore
{
    /// <summary>Pulls <paramref name="reference"/> (<c>host:port/name:tag</c> or <c>…@sha256:…</c>); see the other overload.</summary>
    public Task<PullResult> PullAsync(string reference, IProgress<PullProgress>? progress = null, CancellationToken cancellationToken = default) =>
        ImageReference.TryParse(reference, out var parsed, out var error)
            ? PullAsync(parsed, progress, cancellationToken)
            : Task.FromResult(new PullResult(null, new ImageError(ImageErrorCode.InvalidReference, error)));

    /// <summary>
    /// Pulls an image: every manifest, config and layer digest and every diff_id verified; each missing layer
    /// downloaded to disk and unpacked once into its snapshot, several layers at a time. Expected failures come
    /// back as <see cref="PullResult.Error"/>; nothing half-done becomes visible.
    /// </summary>
    public async Task<PullResult> PullAsync(ImageReference reference, IProgress<PullProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return new PullResult(await PullCoreAsync(reference, progress, cancellationToken), null);
        }
        catch (ImageException e)
        {
            return new PullResult(null, e.ToError());
        }
    }

    private async Task<PulledImage> PullCoreAsync(ImageReference reference, IProgress<PullProgress>? progress, CancellationToken cancellationToken)
    {
        // Step 1: the manifest; an index resolves to its linux/amd64 image.
        progress?.Report(new PullProgress(PullPhase.Manifest, null, 0, null));
        var top = await registry.GetManifestAsync(reference, reference.Reference, cancellationToken);
        var image = top;
        if (top.Manifest.IsIndex)
        {
            var child = PlatformSelector.SelectLinuxAmd64(top.Manifest)
                ?? throw new ImageException(ImageErrorCode.InvalidManifest, $"{reference} is an index without a linux/amd64 image");
            image = await registry.GetManifestAsync(reference, child.Digest.ToString(), cancellationToken);
            if (image.Manifest.IsIndex) throw new ImageException(ImageErrorCode.InvalidManifest, $"{reference}: the linux/amd64 entry is itself an index");
        }
        var manifest = image.Manifest;

        // Step 2: the config, whose rootfs.diff_ids name the snapshots.
        var configDescriptor = manifest.Config ?? throw new ImageException(ImageErrorCode.InvalidManifest, $"{reference}: manifest has no config");
        progress?.Report(new PullProgress(PullPhase.Config, null, 0, configDescriptor.Size));
        if (configDescriptor.MediaType is not (MediaTypes.OciConfig or MediaTypes.DockerConfig))
            throw new ImageException(ImageErrorCode.UnsupportedMediaType, $"config media type '{configDescriptor.MediaType}' is not an image config");
        var configBytes = await registry.GetBlobBytesAsync(reference, configDescriptor, cancellationToken);
        if (!ImageConfig.TryParse(configBytes, out var config, out var configError))
            throw new ImageException(ImageErrorCode.InvalidManifest, $"{reference}: {configError}");
        if (config!.DiffIds.Count != manifest.Layers.Count)
            throw new ImageException(ImageErrorCode.InvalidManifest,
                $"{reference} has {manifest.Layers.Count} layers but its config lists {config.DiffIds.Count} diff_ids");
        foreach (var layer in manifest.Layers)
        {
            if (!LayerUnpacker.IsSupported(layer.MediaType))
                throw new ImageException(ImageErrorCode.UnsupportedMediaType, $"layer {layer.Digest} has unsupported media type '{layer.MediaType}'");
        }

        progress?.Report(new PullProgress(PullPhase.Layers, null, 0, manifest.Layers.Sum(l => l.Size)) { LayerCount = manifest.Layers.Count });

        // Step 3: snapshots, pinned against garbage collection until the image is recorded.
        using var pin = Snapshots.Pin(config.DiffIds);
        var budget = new ImageBudget(options.Limits.MaxImageBytes);
        using var gate = new SemaphoreSlim(Math.Max(1, options.MaxParallelLayers));
        var paths = await Task.WhenAll(manifest.Layers.Select((layer, i) =>
            LayerAsync(reference, layer, config.DiffIds[i], budget, gate, progress, cancellationToken)));

        // Step 4: record the image; from here its snapshots are referenced.
        SaveImage(image.Digest, image.Bytes, configBytes);
        Snapshots.Refs.Put(image.Digest, new ImageRef(reference.ToString(), configDescriptor.Digest.ToString(),
            config.DiffIds.Select(d => d.ToString()).ToList(), DateTimeOffset.UtcNow));
        progress?.Report(new PullProgress(PullPhase.Done, null, 0, null));
        return new PulledImage(reference, image.Digest, configDescriptor.Digest, config,
            config.DiffIds.Select((d, i) => new LayerSnapshot(d, paths[i])).ToList());
    }

    private async Task<string> LayerAsync(ImageReference reference, Descriptor layer, Digest diffId, ImageBudget budget,
        SemaphoreSlim gate, IProgress<PullProgress>? progress, CancellationToken cancellationToken)
    {
        if (Snapshots.TryGet(diffId) is { } cached)
        {
            budget.Charge(Snapshots.Info(diffId)?.UncompressedBytes ?? 0);
            progress?.Report(new PullProgress(PullPhase.LayerCached, layer.Digest, layer.Size, layer.Size));
            return cached;
        }
        await gate.WaitAsync(cancellationToken);
        try
        {
            var path = await Snapshots.GetOrCreateAsync(diffId, async (fs, ct) =>
            {
                var blob = Path.Combine(downloads, Guid.NewGuid().ToString("n"));
                try
                {
                    var down = progress is null ? null : new SyncProgress<long>(b => progress.Report(new PullProgress(PullPhase.Downloading, layer.Digest, b, layer.Size)));
                    await registry.DownloadBlobAsync(reference, layer, blob, down, ct);
                    var up = progress is null ? null : new SyncProgress<long>(b => progress.Report(new PullProgress(PullPhase.Unpacking, layer.Digest, b, null)));
                    var stream = new FileStream(blob, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
                    return LayerUnpacker.Unpack(stream, layer.MediaType, layer.Size, fs, options.Limits, budget.Charge, up, cancellationToken: ct);
                }
                finally
                {
                    File.Delete(blob);
                }
            }, cancellationToken);
            progress?.Report(new PullProgress(PullPhase.LayerDone, layer.Digest, layer.Size, layer.Size));
            return path;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Uncompressed bytes allowed for the whole image, shared by its layers as they unpack in parallel.</summary>
    private sealed class ImageBudget(long max)
    {
        private long used;

        public string? Charge(long bytes) =>
            Interlocked.Add(ref used, bytes) > max ? $"image uncompresses to more than {max} bytes" : null;
    }
}
