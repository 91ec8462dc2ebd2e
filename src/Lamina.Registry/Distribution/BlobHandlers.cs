using Lamina.Oci;
using Lamina.Registry.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace Lamina.Registry.Distribution;

/// <summary>
/// <c>/v2/&lt;name&gt;/blobs/&lt;digest&gt;</c>: GET/HEAD (whole large blobs with sendfile(2), see <see cref="ZeroCopyBlob"/>, when
/// <see cref="BlobSendPolicy"/> says so; everything else read in large segments, see <see cref="BlobSendFile"/>) and DELETE (unlink).
/// </summary>
internal static class BlobHandlers
{
    public static async Task GetAsync(HttpContext ctx, RegistryRoute route)
    {
        if (!Digest.TryParse(route.Reference, out var digest))
        {
            await RegistryErrors.WriteAsync(ctx, RegistryError.DigestInvalid, $"'{route.Reference}' is not a valid digest");
            return;
        }
        var size = await ctx.RequestServices.GetRequiredService<ContentStore>().GetServableBlobSizeAsync(route.Name!, digest, ctx.RequestAborted);
        var path = size is null ? null : ctx.RequestServices.GetRequiredService<IBlobStore>().GetPath(digest);
        if (path is null)
        {
            await RegistryErrors.WriteAsync(ctx, RegistryError.BlobUnknown, $"blob {digest} is not in repository '{route.Name}'");
            return;
        }
        ctx.Response.Headers["Docker-Content-Digest"] = digest.ToString();
        // Only whole-body downloads worth a choice are counted; HEAD and small blobs always take the ordinary path.
        using var lease = HttpMethods.IsGet(ctx.Request.Method) && size!.Value >= ZeroCopyBlob.MinimumSize
            ? ctx.RequestServices.GetRequiredService<BlobSendPolicy>().Enter()
            : default;
        if (lease.SendFile && ZeroCopyBlob.Eligible(ctx, size!.Value))
        {
            await ZeroCopyBlob.ServeAsync(ctx, path, digest, size.Value);
            return;
        }
        // PhysicalFile: Range/If-Range/If-None-Match/HEAD handled by the framework, memory flat whatever the size;
        // the body itself goes through BlobSendFile (large segments, one copy) instead of Kestrel's 64 KiB loop.
        var result = Results.File(path, "application/octet-stream", fileDownloadName: null, lastModified: null,
            entityTag: new EntityTagHeaderValue($"\"{digest}\""), enableRangeProcessing: true);
        var body = ctx.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        ctx.Features.Set<IHttpResponseBodyFeature>(new BlobSendFile(body));
        try
        {
            await result.ExecuteAsync(ctx);
        }
        finally
        {
            ctx.Features.Set(body);
        }
    }

    public static async Task DeleteAsync(HttpContext ctx, RegistryRoute route)
    {
        if (!Digest.TryParse(route.Reference, out var digest))
        {
            await RegistryErrors.WriteAsync(ctx, RegistryError.DigestInvalid, $"'{route.Reference}' is not a valid digest");
            return;
        }
        // The bytes stay until garbage collection finds nothing else refers to them.
        if (!await ctx.RequestServices.GetRequiredService<IRegistryMetadata>().UnlinkBlobAsync(route.Name!, digest, ctx.RequestAborted))
        {
            await RegistryErrors.WriteAsync(ctx, RegistryError.BlobUnknown, $"blob {digest} is not in repository '{route.Name}'");
            return;
        }
        ctx.Response.StatusCode = StatusCodes.Status202Accepted;
    }
}
