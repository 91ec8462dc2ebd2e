namespace Lamina.Control.States;

/// <summary>
/// Resolves a function's Code.ImageUri to the manifest digest it will run. The image store implements this
/// later (pull, verify, unpack); <see cref="RegistryImageResolver"/> resolves against Lamina's own registry.
/// </summary>
public interface IFunctionImageResolver
{
    /// <summary>The digest ("sha256:…") and resolved URI, or why the image cannot be used. Expected failures are values.</summary>
    Task<ImageResolution> ResolveAsync(string imageUri, CancellationToken ct);
}

/// <summary>The outcome of <see cref="IFunctionImageResolver.ResolveAsync"/>.</summary>
public sealed record ImageResolution(string? Digest, string? ResolvedImageUri, ImageFailure? Failure, string? Message)
{
    public static ImageResolution Resolved(string digest, string resolvedUri) => new(digest, resolvedUri, null, null);

    public static ImageResolution Failed(ImageFailure failure, string message) => new(null, null, failure, message);
}

/// <summary>AWS's StateReasonCode / LastUpdateStatusReasonCode values for image problems.</summary>
public enum ImageFailure { InvalidImage, ImageAccessDenied, ImageDeleted }
