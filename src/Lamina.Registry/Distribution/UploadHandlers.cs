using Lamina.Oci;
using Lamina.Registry.Auth;
using Lamina.Registry.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Lamina.Registry.Distribution;

/// <summary>
/// <c>/v2/&lt;name&gt;/blobs/uploads/[&lt;uuid&gt;]</c>: the push workflows. POST starts a session, pushes a whole
/// blob (<c>?digest=</c>) or mounts one (<c>?mount=&amp;from=</c>); PATCH appends a chunk; PUT closes the
/// session (<c>?digest=</c>, optional final chunk); GET reports progress; DELETE cancels.
/// </summary>
internal static class UploadHandlers
{
    public static async Task StartAsync(HttpContext ctx, RegistryRoute route)
    {
        var name = route.Name!;
        var query = ctx.Request.Query;
        var uploads = ctx.RequestServices.GetRequiredService<BlobUploads>();

        var mount = query["mount"].FirstOrDefault();
        var from = query["from"].FirstOrDefault();
        if (mount is not null && from is not null && Digest.TryParse(mount, out var mountDigest) && RepositoryName.IsValid(from))
        {
            var authorizer = ctx.RequestServices.GetRequiredService<IRegistryAuthorizer>();
            if (!await authorizer.AuthorizeAsync(ctx, from, RegistryAction.Pull)) return;
            var content = ctx.RequestServices.GetRequiredService<ContentStore>();
            if (await content.MountAsync(name, from, mountDigest, ctx.RequestAborted) is not null)
            {
                Created(ctx, name, mountDigest);
                return;
            }
            // Not mountable: fall through to an ordinary upload session, as the spec asks.
        }

        var digestText = query["digest"].FirstOrDefault();
        if (digestText is not null)
        {
            if (!Digest.TryParse(digestText, out var digest))
            {
                await RegistryErrors.WriteAsync(ctx, RegistryError.DigestInvalid, $"'{digestText}' is not a valid digest");
                return;
            }
            UploadResult result;
            using (var batched = BatchedBodyStream.TryWrap(ctx))
            {
                result = await uploads.PutMonolithicAsync(name, digest, batched ?? ctx.Request.Body, ctx.Request.ContentLength, ctx.RequestAborted);
            }
            await CompletedAsync(ctx, name, digest, result);
            return;
        }

        var session = await uploads.StartAsync(name, ctx.RequestAborted);
        Progress(ctx, name, session.Id, 0);
        ctx.Response.StatusCode = StatusCodes.Status202Accepted;
    }

    public static async Task StatusAsync(HttpContext ctx, RegistryRoute route)
    {
        var session = await ctx.RequestServices.GetRequiredService<BlobUploads>().GetAsync(route.Name!, route.Reference!, ctx.RequestAborted);
        if (session is null)
        {
            await UnknownAsync(ctx, route);
            return;
        }
        Progress(ctx, route.Name!, session.Id, session.Offset);
        ctx.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    public static async Task PatchAsync(HttpContext ctx, RegistryRoute route)
    {
        if (!TryReadRange(ctx, out var start, out var length))
        {
            await RegistryErrors.WriteAsync(ctx, RegistryError.BlobUploadInvalid, "Content-Range must be <start>-<end> and agree with Content-Length");
            return;
        }
        var uploads = ctx.RequestServices.GetRequiredService<BlobUploads>();
        UploadResult result;
        using (var batched = BatchedBodyStream.TryWrap(ctx))
        {
            result = await uploads.AppendAsync(route.Name!, route.Reference!, batched ?? ctx.Request.Body, start, length, ctx.RequestAborted);
        }
        switch (result.Status)
        {
            case UploadStatus.Ok:
                Progress(ctx, route.Name!, route.Reference!, result.Offset);
                ctx.Response.StatusCode = StatusCodes.Status202Accepted;
                return;
            case UploadStatus.NotFound:
                await UnknownAsync(ctx, route);
                return;
            default:
                await ConflictAsync(ctx, route, result);
                return;
        }
    }

    public static async Task PutAsync(HttpContext ctx, RegistryRoute route)
    {
        var digestText = ctx.Request.Query["digest"].FirstOrDefault();
        if (!Digest.TryParse(digestText, out var digest))
        {
            await RegistryErrors.WriteAsync(ctx, RegistryError.DigestInvalid, "the closing PUT needs ?digest=<digest of the whole blob>");
            return;
        }
        if (!TryReadRange(ctx, out var start, out var length))
        {
            await RegistryErrors.WriteAsync(ctx, RegistryError.BlobUploadInvalid, "Content-Range must be <start>-<end> and agree with Content-Length");
            return;
        }
        var uploads = ctx.RequestServices.GetRequiredService<BlobUploads>();
        var hasBody = length is > 0 || (length is null && ctx.Request.Headers.TransferEncoding.Count > 0);
        if (start is not null && hasBody)
        {
            var session = await uploads.GetAsync(route.Name!, route.Reference!, ctx.RequestAborted);
            if (session is not null && session.Offset != start)
            {
                await ConflictAsync(ctx, route, new UploadResult(UploadStatus.OutOfOrder, session.Offset));
                return;
            }
        }
        UploadResult result;
        using (var batched = hasBody ? BatchedBodyStream.TryWrap(ctx) : null)
        {
            result = await uploads.CompleteAsync(route.Name!, route.Reference!, digest, hasBody ? batched ?? ctx.Request.Body : null, length, ctx.RequestAborted);
        }
        if (result.Status == UploadStatus.NotFound) await UnknownAsync(ctx, route);
        else await CompletedAsync(ctx, route.Name!, digest, result, route);
    }

    public static async Task CancelAsync(HttpContext ctx, RegistryRoute route)
    {
        if (!await ctx.RequestServices.GetRequiredService<BlobUploads>().CancelAsync(route.Name!, route.Reference!, ctx.RequestAborted))
        {
            await UnknownAsync(ctx, route);
            return;
        }
        ctx.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private static Task CompletedAsync(HttpContext ctx, string name, Digest digest, UploadResult result, RegistryRoute? upload = null)
    {
        switch (result.Status)
        {
            case UploadStatus.Ok:
                Created(ctx, name, digest);
                return Task.CompletedTask;
            case UploadStatus.DigestMismatch:
                return RegistryErrors.WriteAsync(ctx, RegistryError.DigestInvalid, $"uploaded content does not have digest {digest}");
            case UploadStatus.Incomplete:
                return RegistryErrors.WriteAsync(ctx, RegistryError.SizeInvalid, "the body did not have the declared length; nothing was stored");
            default:
                return upload is { } u ? ConflictAsync(ctx, u, result) : RegistryErrors.WriteAsync(ctx, RegistryError.BlobUploadInvalid);
        }
    }

    private static Task ConflictAsync(HttpContext ctx, RegistryRoute route, UploadResult result)
    {
        Progress(ctx, route.Name!, route.Reference!, result.Offset);
        return result.Status switch
        {
            UploadStatus.OutOfOrder => RegistryErrors.WriteAsync(ctx, RegistryError.BlobUploadInvalid,
                $"chunk does not start at the upload's offset {result.Offset}", StatusCodes.Status416RangeNotSatisfiable),
            UploadStatus.Busy => RegistryErrors.WriteAsync(ctx, RegistryError.BlobUploadInvalid,
                "another request is writing to this upload", StatusCodes.Status416RangeNotSatisfiable),
            _ => RegistryErrors.WriteAsync(ctx, RegistryError.SizeInvalid, "the body did not have the declared length; the chunk was discarded"),
        };
    }

    private static Task UnknownAsync(HttpContext ctx, RegistryRoute route) =>
        RegistryErrors.WriteAsync(ctx, RegistryError.BlobUploadUnknown, $"no upload '{route.Reference}' in repository '{route.Name}'");

    private static void Created(HttpContext ctx, string name, Digest digest)
    {
        ctx.Response.StatusCode = StatusCodes.Status201Created;
        ctx.Response.Headers.Location = $"/v2/{name}/blobs/{digest}";
        ctx.Response.Headers["Docker-Content-Digest"] = digest.ToString();
    }

    private static void Progress(HttpContext ctx, string name, string id, long offset)
    {
        ctx.Response.Headers.Location = $"/v2/{name}/blobs/uploads/{id}";
        ctx.Response.Headers["Docker-Upload-UUID"] = id;
        // Inclusive end of what is stored; "0-0" for an empty upload, as distribution answers.
        ctx.Response.Headers.Range = $"0-{Math.Max(0, offset - 1)}";
    }

    /// <summary>
    /// Reads Content-Range (<c>start-end</c>, inclusive; a <c>bytes </c> or <c>bytes=</c> prefix and a <c>/total</c> suffix are tolerated) and Content-Length.
    /// <paramref name="length"/> is the bytes the body must carry, when known. False when they disagree.
    /// </summary>
    private static bool TryReadRange(HttpContext ctx, out long? start, out long? length)
    {
        start = null;
        length = ctx.Request.ContentLength;
        var header = ctx.Request.Headers.ContentRange.ToString();
        if (header.Length == 0) return true;
        var text = header.StartsWith("bytes ", StringComparison.Ordinal) || header.StartsWith("bytes=", StringComparison.Ordinal) ? header[6..] : header;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0) text = text[..slash];
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || !long.TryParse(text.AsSpan(0, dash), out var s) || !long.TryParse(text.AsSpan(dash + 1), out var e) || s < 0 || e < s)
        {
            return false;
        }
        var rangeLength = e - s + 1;
        if (length is { } l && l != rangeLength) return false;
        start = s;
        length = rangeLength;
        return true;
    }
}
