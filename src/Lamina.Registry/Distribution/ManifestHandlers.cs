using System.Buffers;
using Lamina.Oci;
using Lamina.Registry.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Lamina.Registry.Distribution;

/// <summary>
/// <c>/v2/&lt;name&gt;/manifests/&lt;reference&gt;</c>: GET/HEAD, PUT and DELETE, by tag or by digest. A manifest
/// missing from a repository that exists is MANIFEST_UNKNOWN; in a repository that does not exist, NAME_UNKNOWN,
/// as ECR answers (distribution 2.8 says MANIFEST_UNKNOWN there too; both are 404 with the spec's body).
/// </summary>
internal static class ManifestHandlers
{
    public static async Task GetAsync(HttpContext ctx, RegistryRoute route)
    {
        var services = ctx.RequestServices;
        var metadata = services.GetRequiredService<IRegistryMetadata>();
        var name = route.Name!;
        ManifestRecord? manifest;
        if (Digest.TryParse(route.Reference, out var digest)) manifest = await metadata.GetManifestAsync(name, digest, ctx.RequestAborted);
        else if (RepositoryName.IsValidTag(route.Reference)) manifest = await metadata.GetManifestByTagAsync(name, route.Reference!, ctx.RequestAborted);
        else
        {
            await RegistryErrors.WriteAsync(ctx, Digest.IsUnsupportedAlgorithm(route.Reference) ? RegistryError.DigestInvalid : RegistryError.ManifestInvalid,
                $"'{route.Reference}' is neither a tag nor a supported digest");
            return;
        }
        var path = manifest is null ? null : services.GetRequiredService<IBlobStore>().GetPath(manifest.Digest);
        if (manifest is null || path is null)
        {
            await UnknownAsync(ctx, route, metadata);
            return;
        }
        var response = ctx.Response;
        response.ContentType = manifest.MediaType;
        response.ContentLength = manifest.Size;
        response.Headers["Docker-Content-Digest"] = manifest.Digest.ToString();
        response.Headers.ETag = $"\"{manifest.Digest}\"";
        if (HttpMethods.IsHead(ctx.Request.Method)) return;
        await response.SendFileAsync(path, 0, manifest.Size, ctx.RequestAborted);
    }

    public static async Task PutAsync(HttpContext ctx, RegistryRoute route)
    {
        if (ctx.Request.ContentLength > ImageManifest.MaxBytes)
        {
            await RegistryErrors.WriteAsync(ctx, RegistryError.SizeInvalid, $"manifest is larger than {ImageManifest.MaxBytes} bytes", 413);
            return;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(ImageManifest.MaxBytes + 1);
        try
        {
            var length = await ReadBodyAsync(ctx.Request.Body, buffer, ctx.RequestAborted);
            if (length > ImageManifest.MaxBytes)
            {
                await RegistryErrors.WriteAsync(ctx, RegistryError.SizeInvalid, $"manifest is larger than {ImageManifest.MaxBytes} bytes", 413);
                return;
            }
            if (ctx.Request.ContentLength is { } declared && declared != length)
            {
                await RegistryErrors.WriteAsync(ctx, RegistryError.SizeInvalid, $"Content-Length is {declared} but {length} bytes arrived");
                return;
            }
            var content = ctx.RequestServices.GetRequiredService<ContentStore>();
            var outcome = await content.PutManifestAsync(route.Name!, buffer.AsMemory(0, length), ctx.Request.ContentType, route.Reference, ctx.RequestAborted);
            await WriteOutcomeAsync(ctx, route, outcome);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static Task WriteOutcomeAsync(HttpContext ctx, RegistryRoute route, ManifestPutOutcome outcome)
    {
        switch (outcome.Status)
        {
            case ManifestPutStatus.Stored:
                var m = outcome.Manifest!;
                ctx.Response.StatusCode = StatusCodes.Status201Created;
                ctx.Response.Headers.Location = $"/v2/{route.Name}/manifests/{m.Digest}";
                ctx.Response.Headers["Docker-Content-Digest"] = m.Digest.ToString();
                if (m.Subject is { } subject) ctx.Response.Headers["OCI-Subject"] = subject.ToString();
                return Task.CompletedTask;
            case ManifestPutStatus.TooLarge: return RegistryErrors.WriteAsync(ctx, RegistryError.SizeInvalid, outcome.Error, 413);
            case ManifestPutStatus.InvalidReference: return RegistryErrors.WriteAsync(ctx, RegistryError.TagInvalid, outcome.Error);
            case ManifestPutStatus.DigestMismatch: return RegistryErrors.WriteAsync(ctx, RegistryError.DigestInvalid, outcome.Error);
            case ManifestPutStatus.ReferenceMissing: return RegistryErrors.WriteAsync(ctx, RegistryError.ManifestBlobUnknown, outcome.Error);
            case ManifestPutStatus.TagImmutable: return RegistryErrors.WriteAsync(ctx, RegistryError.TagInvalid, outcome.Error);
            default: return RegistryErrors.WriteAsync(ctx, RegistryError.ManifestInvalid, outcome.Error);
        }
    }

    /// <summary>Reads at most buffer.Length bytes; a result equal to the buffer length means the body was too large.</summary>
    private static async Task<int> ReadBodyAsync(Stream body, byte[] buffer, CancellationToken ct)
    {
        var total = 0;
        var limit = ImageManifest.MaxBytes + 1;
        while (total < limit)
        {
            var read = await body.ReadAsync(buffer.AsMemory(total, limit - total), ct);
            if (read == 0) break;
            total += read;
        }
        return total;
    }

    public static async Task DeleteAsync(HttpContext ctx, RegistryRoute route)
    {
        var metadata = ctx.RequestServices.GetRequiredService<IRegistryMetadata>();
        bool deleted;
        if (Digest.TryParse(route.Reference, out var digest)) deleted = await metadata.DeleteManifestAsync(route.Name!, digest, ctx.RequestAborted);
        else if (RepositoryName.IsValidTag(route.Reference)) deleted = await metadata.DeleteTagAsync(route.Name!, route.Reference!, ctx.RequestAborted);
        else
        {
            await RegistryErrors.WriteAsync(ctx, RegistryError.ManifestInvalid, $"'{route.Reference}' is neither a tag nor a digest");
            return;
        }
        if (!deleted)
        {
            await UnknownAsync(ctx, route, metadata);
            return;
        }
        ctx.Response.StatusCode = StatusCodes.Status202Accepted;
    }

    /// <summary>The 404 for a reference not found: the repository is looked up only on this path, never on a hit.</summary>
    private static async Task UnknownAsync(HttpContext ctx, RegistryRoute route, IRegistryMetadata metadata)
    {
        if (await metadata.GetRepositoryAsync(route.Name!, ctx.RequestAborted) is null)
            await RegistryErrors.WriteAsync(ctx, RegistryError.NameUnknown, $"repository '{route.Name}' does not exist");
        else
            await RegistryErrors.WriteAsync(ctx, RegistryError.ManifestUnknown, $"manifest '{route.Reference}' is not in repository '{route.Name}'");
    }
}
