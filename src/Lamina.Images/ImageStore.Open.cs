using Lamina.Oci;

namespace Lamina.Images;

public sealed partial class ImageStore
{
    /// <summary>
    /// Resolves <paramref name="reference"/> (a tag or digest) to the manifest digest of the image that would run:
    /// an index resolves to its linux/amd64 image's digest, so the result names exactly what a pull by digest
    /// unpacks. Fetches one or two manifests, nothing else. Expected failures come back as <see cref="ImageError"/>.
    /// </summary>
    public async Task<(Digest? Digest, ImageError? Error)> ResolveAsync(ImageReference reference, CancellationToken cancellationToken)
    {
        try
        {
            var top = await registry.GetManifestAsync(reference, reference.Reference, cancellationToken);
            if (!top.Manifest.IsIndex) return (top.Digest, null);
            var child = PlatformSelector.SelectLinuxAmd64(top.Manifest)
                ?? throw new ImageException(ImageErrorCode.InvalidManifest, $"{reference} is an index without a linux/amd64 image");
            return (child.Digest, null);
        }
        catch (ImageException e)
        {
            return (null, e.ToError());
        }
    }

    /// <summary>
    /// The image already pulled under <paramref name="manifestDigest"/>, from disk, without the registry: its
    /// recorded manifest and config (re-verified against their digests) and every layer snapshot present.
    /// Null when any part is missing or does not verify; the caller pulls instead. This is what lets a function
    /// run after its source image was deleted from the registry, as AWS runs its own copy.
    /// </summary>
    public PulledImage? TryOpen(Digest manifestDigest)
    {
        if (!Snapshots.Refs.Images.TryGetValue(manifestDigest.ToString(), out var recorded)) return null;
        var dir = Path.Combine(imagesRoot, manifestDigest.AlgorithmName, manifestDigest.Encoded);
        byte[] manifestBytes, configBytes;
        try
        {
            manifestBytes = File.ReadAllBytes(Path.Combine(dir, "manifest.json"));
            configBytes = File.ReadAllBytes(Path.Combine(dir, "config.json"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        if (Digest.Compute(manifestBytes, manifestDigest.Algorithm) != manifestDigest) return null;
        if (!ImageManifest.TryParse(manifestBytes, null, out var manifest, out _) || manifest!.IsIndex || manifest.Config is not { } configDescriptor) return null;
        if (Digest.Compute(configBytes, configDescriptor.Digest.Algorithm) != configDescriptor.Digest) return null;
        if (!ImageConfig.TryParse(configBytes, out var config, out _) || config!.DiffIds.Count != manifest.Layers.Count) return null;
        var layers = new List<LayerSnapshot>(config.DiffIds.Count);
        foreach (var diffId in config.DiffIds)
        {
            if (Snapshots.TryGet(diffId) is not { } path) return null;
            layers.Add(new LayerSnapshot(diffId, path));
        }
        var reference = ImageReference.TryParse(recorded.Reference, out var parsed, out _)
            ? parsed with { Digest = manifestDigest }
            : new ImageReference("local", "image", null, manifestDigest);
        return new PulledImage(reference, manifestDigest, configDescriptor.Digest, config, layers);
    }
}
