using Lamina.Control.Domain;
using Lamina.Oci;
using Lamina.Registry.Storage;

namespace Lamina.Control.States;

/// <summary>
/// Resolves image URIs that name Lamina's own registry, in process through <see cref="IRegistryMetadata"/>.
/// An ImageUri names this registry when its host:port is one of <see cref="LocalHosts"/> (this server's
/// addresses), or when its host is a loopback name and the repository exists here. Other registries are
/// reported InvalidImage here: this resolver cannot pull; with execution on, the scheduler's
/// PullingImageResolver resolves them against their registry instead (see <see cref="IsLocalAsync"/>).
/// </summary>
public sealed class RegistryImageResolver(IRegistryMetadata registry, ILocalRegistryHosts localHosts) : IFunctionImageResolver
{
    public async Task<ImageResolution> ResolveAsync(string imageUri, CancellationToken ct)
    {
        var reference = LambdaImageUri.Parse(imageUri);
        if (reference is null) return ImageResolution.Failed(ImageFailure.InvalidImage, $"Source image {imageUri} is not valid.");
        if (!await IsLocalAsync(reference, ct))
        {
            return ImageResolution.Failed(ImageFailure.InvalidImage,
                $"Source image {imageUri} is in another registry, which this server pulls from only with execution on; push it to this server's registry.");
        }

        ManifestRecord? manifest = reference.Digest is { } pinned
            ? await registry.GetManifestAsync(reference.Repository, pinned, ct)
            : await registry.GetManifestByTagAsync(reference.Repository, reference.Tag!, ct);
        if (manifest is null)
        {
            return ImageResolution.Failed(ImageFailure.ImageDeleted, $"Source image {imageUri} does not exist. Provide a valid source image.");
        }
        var digest = manifest.Digest.ToString();
        return ImageResolution.Resolved(digest, $"{reference.Registry}/{reference.Repository}@{digest}");
    }

    /// <summary>
    /// Whether <paramref name="reference"/> names this server's registry: its host:port is one of this server's,
    /// or its host is a loopback name and the repository exists here (a client reaching this server through
    /// another loopback port). Everything else is another registry.
    /// </summary>
    public async Task<bool> IsLocalAsync(ImageReference reference, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return localHosts.IsLocal(reference.Registry)
            || (IsLoopbackName(reference.Registry) && await registry.GetRepositoryAsync(reference.Repository, ct) is not null);
    }

    private static bool IsLoopbackName(string host)
    {
        var name = host.Contains(':', StringComparison.Ordinal) ? host[..host.LastIndexOf(':')] : host;
        return name is "localhost" or "127.0.0.1" or "[::1]";
    }
}

/// <summary>Which registry host names are this server (its listen addresses and public host).</summary>
public interface ILocalRegistryHosts
{
    bool IsLocal(string hostAndPort);
}
