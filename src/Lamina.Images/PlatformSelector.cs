using Lamina.Oci;

namespace Lamina.Images;

/// <summary>Picks the image an index offers for the platform Lamina runs (linux/amd64), as AWS Lambda's x86_64 does.</summary>
public static class PlatformSelector
{
    /// <summary>The first linux/amd64 image manifest of <paramref name="index"/>, preferring no variant or v1; null when there is none.</summary>
    public static Descriptor? SelectLinuxAmd64(ImageManifest index) =>
        index.Manifests
            .Where(m => m.Platform is { Os: "linux", Architecture: "amd64" } && MediaTypes.IsManifest(m.MediaType))
            .OrderBy(m => m.Platform!.Variant is null or "v1" ? 0 : 1)
            .FirstOrDefault();
}
