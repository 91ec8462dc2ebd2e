using System.Text;
using System.Text.Json.Nodes;
using Lamina.Aws.Protocol;
using Lamina.Oci;
using Lamina.Registry.Storage;

namespace Lamina.Registry.Ecr;

public sealed partial class EcrService
{
    /// <summary>
    /// PutImage: stores a manifest whose blobs the repository already holds, optionally tagged. The usual use is
    /// re-tagging without a pull: <c>batch-get-image</c> then <c>put-image --image-tag NEW --image-manifest …</c>.
    /// </summary>
    private async ValueTask<AwsJsonResponse> PutImageAsync(JsonObject input, CancellationToken ct)
    {
        var (_, name, error) = await ExistingRepositoryAsync(input, ct);
        if (error is not null) return error;
        var (manifestText, e1) = EcrInput.OptionalString(input, "imageManifest");
        var (mediaType, e2) = EcrInput.OptionalString(input, "imageManifestMediaType");
        var (tag, e3) = EcrInput.OptionalString(input, "imageTag");
        var (digestText, e4) = EcrInput.OptionalString(input, "imageDigest");
        if ((e1 ?? e2 ?? e3 ?? e4) is { } e) return e;
        if (string.IsNullOrEmpty(manifestText)) return EcrErrors.InvalidParameter("imageManifest is required");
        if (tag is not null && !Oci.RepositoryName.IsValidTag(tag)) return EcrErrors.InvalidParameter($"Invalid parameter at 'imageTag': '{tag}' is not a valid tag");
        Digest? expected = null;
        if (digestText is not null)
        {
            if (!Digest.TryParse(digestText, out var parsed)) return EcrErrors.InvalidParameter($"Invalid parameter at 'imageDigest': '{digestText}' is not a valid digest");
            expected = parsed;
        }

        var bytes = Encoding.UTF8.GetBytes(manifestText);
        var digest = Digest.Compute(bytes, expected?.Algorithm ?? DigestAlgorithm.Sha256);
        var existing = await metadata.GetManifestAsync(name!, digest, ct);
        if (existing is not null && (tag is null || (await metadata.GetManifestByTagAsync(name!, tag, ct))?.Digest == digest))
            return EcrErrors.ImageAlreadyExists(digest.ToString(), tag, name!, RegistryId);

        var outcome = await content.PutManifestAsync(name!, bytes, mediaType, tag, expected, ct);
        switch (outcome.Status)
        {
            case ManifestPutStatus.Stored:
                lifecycle.Schedule(name!);
                return AwsJsonResponse.Ok(new JsonObject
                {
                    ["image"] = new JsonObject
                    {
                        ["registryId"] = RegistryId,
                        ["repositoryName"] = name,
                        ["imageId"] = new ImageId(outcome.Manifest!.Digest.ToString(), tag).ToJson(),
                        ["imageManifest"] = manifestText,
                        ["imageManifestMediaType"] = outcome.Manifest.MediaType,
                    },
                });
            case ManifestPutStatus.TagImmutable:
                return EcrErrors.ImageTagAlreadyExists(tag!, name!);
            case ManifestPutStatus.DigestMismatch:
                return EcrErrors.ImageDigestDoesNotMatch(outcome.Error!);
            case ManifestPutStatus.ReferenceMissing:
                return MediaTypes.IsIndex(mediaType) || manifestText.Contains("\"manifests\"", StringComparison.Ordinal)
                    ? EcrErrors.ReferencedImagesNotFound(outcome.Error!)
                    : EcrErrors.LayersNotFound(outcome.Error!);
            default:
                return EcrErrors.InvalidParameter("Invalid parameter at 'imageManifest': " + outcome.Error);
        }
    }
}
