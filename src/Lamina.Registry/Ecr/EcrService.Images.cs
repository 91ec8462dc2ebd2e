using System.Text.Json.Nodes;
using Lamina.Aws.Protocol;
using Lamina.Oci;
using Lamina.Registry.Storage;

namespace Lamina.Registry.Ecr;

public sealed partial class EcrService
{
    private async ValueTask<AwsJsonResponse> DescribeImagesAsync(JsonObject input, CancellationToken ct)
    {
        var (_, name, error) = await ExistingRepositoryAsync(input, ct);
        if (error is not null) return error;
        var (ids, e1) = EcrInput.ImageIds(input, required: false);
        var (max, e2) = EcrInput.MaxResults(input);
        var (nextToken, e3) = EcrInput.OptionalString(input, "nextToken");
        var (tagStatus, e4) = TagStatusFilter(input);
        if ((e1 ?? e2 ?? e3 ?? e4) is { } e) return e;

        var images = await metadata.ListImagesAsync(name!, ct);
        IEnumerable<ImageRecord> selected;
        if (ids is not null)
        {
            var found = new List<ImageRecord>();
            foreach (var id in ids)
            {
                if (id.SyntaxFailure() is { } failure) return EcrErrors.InvalidParameter(failure.Reason);
                var (image, mismatch) = Resolve(images, id);
                if (image is null || mismatch) return EcrErrors.ImageNotFound(id.ToString(), name!, RegistryId);
                if (!found.Contains(image)) found.Add(image);
            }
            selected = found;
        }
        else
        {
            selected = images.Where(i => tagStatus switch { "TAGGED" => i.Tags.Count > 0, "UNTAGGED" => i.Tags.Count == 0, _ => true });
        }
        var (page, token, badToken) = EcrPaging.Page(selected, i => i.Manifest.Digest.ToString(), nextToken, max);
        if (badToken) return EcrErrors.InvalidParameter("Invalid parameter at 'nextToken'");
        var details = new JsonArray();
        foreach (var image in page) details.Add(ImageDetail(name!, image));
        var result = new JsonObject { ["imageDetails"] = details };
        if (token is not null) result["nextToken"] = token;
        return AwsJsonResponse.Ok(result);
    }

    private async ValueTask<AwsJsonResponse> ListImagesAsync(JsonObject input, CancellationToken ct)
    {
        var (_, name, error) = await ExistingRepositoryAsync(input, ct);
        if (error is not null) return error;
        var (max, e2) = EcrInput.MaxResults(input);
        var (nextToken, e3) = EcrInput.OptionalString(input, "nextToken");
        var (tagStatus, e4) = TagStatusFilter(input);
        if ((e2 ?? e3 ?? e4) is { } e) return e;
        // One entry per tag (digest and tag), plus one digest-only entry per untagged image, as ECR lists them.
        var entries = (await metadata.ListImagesAsync(name!, ct))
            .Where(i => tagStatus switch { "TAGGED" => i.Tags.Count > 0, "UNTAGGED" => i.Tags.Count == 0, _ => true })
            .SelectMany(i => i.Tags.Count == 0
                ? [new ImageId(i.Manifest.Digest.ToString(), null)]
                : i.Tags.Select(t => new ImageId(i.Manifest.Digest.ToString(), t)));
        var (page, token, badToken) = EcrPaging.Page(entries, id => id.Digest + " " + id.Tag, nextToken, max);
        if (badToken) return EcrErrors.InvalidParameter("Invalid parameter at 'nextToken'");
        var result = new JsonObject { ["imageIds"] = new JsonArray(page.Select(JsonNode (id) => id.ToJson()).ToArray()) };
        if (token is not null) result["nextToken"] = token;
        return AwsJsonResponse.Ok(result);
    }

    private async ValueTask<AwsJsonResponse> BatchGetImageAsync(JsonObject input, CancellationToken ct)
    {
        var (_, name, error) = await ExistingRepositoryAsync(input, ct);
        if (error is not null) return error;
        var (ids, e1) = EcrInput.ImageIds(input, required: true);
        if (e1 is not null) return e1;
        var images = await metadata.ListImagesAsync(name!, ct);
        var output = new JsonArray();
        var failures = new JsonArray();
        foreach (var id in ids!)
        {
            var (image, failure) = ResolveOrFail(images, id);
            if (failure is not null) { failures.Add(failure); continue; }
            var path = blobs.GetPath(image!.Manifest.Digest);
            if (path is null) { failures.Add(Failure(id, "ImageNotFound", "Requested image not found")); continue; }
            output.Add(new JsonObject
            {
                ["registryId"] = RegistryId,
                ["repositoryName"] = name,
                ["imageId"] = new ImageId(image.Manifest.Digest.ToString(), id.Tag).ToJson(),
                ["imageManifest"] = await File.ReadAllTextAsync(path, ct),
                ["imageManifestMediaType"] = image.Manifest.MediaType,
            });
        }
        return AwsJsonResponse.Ok(new JsonObject { ["images"] = output, ["failures"] = failures });
    }

    private async ValueTask<AwsJsonResponse> BatchDeleteImageAsync(JsonObject input, CancellationToken ct)
    {
        var (_, name, error) = await ExistingRepositoryAsync(input, ct);
        if (error is not null) return error;
        var (ids, e1) = EcrInput.ImageIds(input, required: true);
        if (e1 is not null) return e1;
        var deleted = new JsonArray();
        var failures = new JsonArray();
        foreach (var id in ids!)
        {
            // Re-read per id: an earlier deletion in the same batch changes what later ids resolve to.
            var images = await metadata.ListImagesAsync(name!, ct);
            var (image, failure) = ResolveOrFail(images, id);
            if (failure is not null) { failures.Add(failure); continue; }
            var digest = image!.Manifest.Digest;
            // By tag alone: the tag goes; the image goes with its last tag, as in ECR.
            if (id.Digest is null && image.Tags.Count > 1)
            {
                await metadata.DeleteTagAsync(name!, id.Tag!, ct);
                deleted.Add(new ImageId(digest.ToString(), id.Tag).ToJson());
                continue;
            }
            await metadata.DeleteManifestAsync(name!, digest, ct);
            if (image.Tags.Count == 0) deleted.Add(new ImageId(digest.ToString(), null).ToJson());
            foreach (var tag in image.Tags) deleted.Add(new ImageId(digest.ToString(), tag).ToJson());
        }
        return AwsJsonResponse.Ok(new JsonObject { ["imageIds"] = deleted, ["failures"] = failures });
    }

    private async ValueTask<AwsJsonResponse> BatchCheckLayerAvailabilityAsync(JsonObject input, CancellationToken ct)
    {
        var (_, name, error) = await ExistingRepositoryAsync(input, ct);
        if (error is not null) return error;
        var (digests, e1) = EcrInput.OptionalStringList(input, "layerDigests");
        if (e1 is not null) return e1;
        if (digests is null || digests.Count == 0) return EcrErrors.InvalidParameter("layerDigests must hold 1 to 100 digests");
        var layers = new JsonArray();
        var failures = new JsonArray();
        foreach (var text in digests)
        {
            if (!Digest.TryParse(text, out var digest))
            {
                failures.Add(new JsonObject { ["layerDigest"] = text, ["failureCode"] = "InvalidLayerDigest", ["failureReason"] = "Invalid layer digest" });
                continue;
            }
            var size = await content.GetServableBlobSizeAsync(name!, digest, ct);
            if (size is null)
            {
                failures.Add(new JsonObject { ["layerDigest"] = text, ["failureCode"] = "MissingLayerDigest", ["failureReason"] = "Could not find layer" });
                continue;
            }
            layers.Add(new JsonObject { ["layerDigest"] = text, ["layerAvailability"] = "AVAILABLE", ["layerSize"] = size.Value });
        }
        return AwsJsonResponse.Ok(new JsonObject { ["layers"] = layers, ["failures"] = failures });
    }

    private static (string? Value, AwsJsonResponse? Error) TagStatusFilter(JsonObject input)
    {
        if (!input.TryGetPropertyValue("filter", out var node) || node is null) return ("ANY", null);
        if (node is not JsonObject filter) return (null, EcrErrors.InvalidParameter("filter must be an object"));
        var (status, error) = EcrInput.OptionalString(filter, "tagStatus");
        if (error is not null) return (null, error);
        return status is null or "TAGGED" or "UNTAGGED" or "ANY"
            ? (status ?? "ANY", null)
            : (null, EcrErrors.InvalidParameter($"filter.tagStatus '{status}' must be TAGGED, UNTAGGED or ANY"));
    }

    /// <summary>The image an id names; <c>mismatch</c> when digest and tag both given but the tag points elsewhere.</summary>
    private static (ImageRecord? Image, bool Mismatch) Resolve(IReadOnlyList<ImageRecord> images, ImageId id)
    {
        var byDigest = id.Digest is null ? null : images.FirstOrDefault(i => i.Manifest.Digest.ToString() == id.Digest);
        var byTag = id.Tag is null ? null : images.FirstOrDefault(i => i.Tags.Contains(id.Tag));
        if (id.Digest is not null && id.Tag is not null) return (byDigest, byDigest is not null && byTag != byDigest);
        return (byDigest ?? byTag, false);
    }

    private static (ImageRecord?, JsonObject?) ResolveOrFail(IReadOnlyList<ImageRecord> images, ImageId id)
    {
        if (id.SyntaxFailure() is { } syntax) return (null, Failure(id, syntax.Code, syntax.Reason));
        var (image, mismatch) = Resolve(images, id);
        if (mismatch) return (null, Failure(id, "ImageTagDoesNotMatchDigest", "Invalid request parameters: given tag does not map to the given digest"));
        return image is null ? (null, Failure(id, "ImageNotFound", "Requested image not found")) : (image, null);
    }

    private static JsonObject Failure(ImageId id, string code, string reason) =>
        new() { ["imageId"] = id.ToJson(), ["failureCode"] = code, ["failureReason"] = reason };

    private JsonObject ImageDetail(string repository, ImageRecord image)
    {
        var detail = new JsonObject
        {
            ["registryId"] = RegistryId,
            ["repositoryName"] = repository,
            ["imageDigest"] = image.Manifest.Digest.ToString(),
            ["imageSizeInBytes"] = image.ImageSizeInBytes,
            ["imagePushedAt"] = Epoch(image.Manifest.PushedAt),
            ["imageManifestMediaType"] = image.Manifest.MediaType,
        };
        if (image.Tags.Count > 0) detail["imageTags"] = new JsonArray(image.Tags.Select(t => (JsonNode)JsonValue.Create(t)).ToArray());
        if (ArtifactMediaType(image.Manifest) is { } artifact) detail["artifactMediaType"] = artifact;
        if (image.Manifest.Subject is { } subject) detail["subjectManifestDigest"] = subject.ToString();
        return detail;
    }

    /// <summary>ECR reports the config's media type (or the manifest's artifactType) as artifactMediaType.</summary>
    private static string? ArtifactMediaType(ManifestRecord manifest) =>
        manifest.ArtifactType ?? manifest.References.FirstOrDefault(r =>
            r.MediaType is MediaTypes.OciConfig or MediaTypes.DockerConfig || r.MediaType.EndsWith("config.v1+json", StringComparison.Ordinal))?.MediaType;
}
