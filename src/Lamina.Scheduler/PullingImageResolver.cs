using Lamina.Control.Domain;
using Lamina.Control.States;
using Lamina.Images;

namespace Lamina.Scheduler;

/// <summary>
/// The resolver the control plane calls while a function is Pending or its update InProgress, so that Active
/// means an environment can start without a download. An image in this server's registry resolves as
/// <see cref="RegistryImageResolver"/> does; one in another registry resolves against that registry (its tag
/// pinned to the digest of the linux/amd64 image). Either is then pulled and unpacked.
/// Failures map to AWS's reason codes: refused credentials → ImageAccessDenied; anything else → InvalidImage.
/// </summary>
public sealed class PullingImageResolver(RegistryImageResolver resolver, ImageCache images) : IFunctionImageResolver
{
    public async Task<ImageResolution> ResolveAsync(string imageUri, CancellationToken ct)
    {
        var reference = LambdaImageUri.Parse(imageUri);
        ImageResolution resolved;
        if (reference is null || await resolver.IsLocalAsync(reference, ct))
        {
            resolved = await resolver.ResolveAsync(imageUri, ct);
        }
        else
        {
            var (digest, error) = await images.ResolveForeignAsync(reference, ct);
            if (error is not null) return Failed(imageUri, error, "could not be resolved");
            resolved = ImageResolution.Resolved(digest!.Value.ToString(), $"{reference.Registry}/{reference.Repository}@{digest}");
        }
        if (resolved.Failure is not null) return resolved;
        var pulled = await images.GetAsync(imageUri, resolved.Digest!, ct);
        return pulled.Succeeded ? resolved : Failed(imageUri, pulled.Error!, "could not be pulled and unpacked");
    }

    private static ImageResolution Failed(string imageUri, ImageError error, string what) => error.Code == ImageErrorCode.Unauthorized
        ? ImageResolution.Failed(ImageFailure.ImageAccessDenied, $"Lambda does not have permission to access the image {imageUri}: {error.Message}")
        : ImageResolution.Failed(ImageFailure.InvalidImage, $"Source image {imageUri} {what}: {error.Message}");
}
