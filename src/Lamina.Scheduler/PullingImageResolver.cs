using Lamina.Control.States;

namespace Lamina.Scheduler;

/// <summary>
/// The resolver the control plane calls while a function is Pending or its update InProgress: resolves the
/// ImageUri as <see cref="RegistryImageResolver"/> does, then pulls and unpacks the image, so that Active means
/// an environment can start without a download. A pull failure fails the function with InvalidImage.
/// </summary>
public sealed class PullingImageResolver(RegistryImageResolver resolver, ImageCache images) : IFunctionImageResolver
{
    public async Task<ImageResolution> ResolveAsync(string imageUri, CancellationToken ct)
    {
        var resolved = await resolver.ResolveAsync(imageUri, ct);
        if (resolved.Failure is not null) return resolved;
        var pulled = await images.GetAsync(imageUri, resolved.Digest!, ct);
        return pulled.Succeeded
            ? resolved
            : ImageResolution.Failed(ImageFailure.InvalidImage, $"Source image {imageUri} could not be pulled and unpacked: {pulled.Error!.Message}");
    }
}
