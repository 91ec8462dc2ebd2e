using System.Globalization;
using System.Text.Json.Nodes;
using Lamina.Aws;
using Lamina.Aws.Signing;
using Lamina.Registry.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Lamina.Server;

/// <summary>
/// Operator endpoints that have no AWS equivalent, under <c>/lamina/admin/v1/</c>, SigV4-signed with the
/// server's keys for the signing name <c>lamina</c> (what <c>lamina gc</c> sends):
/// <c>POST /lamina/admin/v1/gc[?gracePeriodSeconds=N]</c> runs registry garbage collection now and answers
/// <c>{"blobsDeleted","bytesFreed","linksRemoved","referrersDeleted","gracePeriodSeconds"}</c> (repository links
/// dropped; referrer manifests deleted because their subject was gone).
/// </summary>
public static class AdminEndpoints
{
    /// <summary>The SigV4 service name of the admin API.</summary>
    public const string SigningName = "lamina";

    /// <summary>Path of the garbage collection endpoint.</summary>
    public const string GcPath = "/lamina/admin/v1/gc";

    /// <summary>Maps the admin endpoints.</summary>
    public static IEndpointRouteBuilder MapLaminaAdmin(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(GcPath, GcAsync);
        return endpoints;
    }

    private static async Task<IResult> GcAsync(HttpContext context, GarbageCollector gc, AwsRequestAuthenticator auth, LaminaOptions options)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var verified = auth.Verify(context, SigningName, body.ToArray());
        if (!verified.IsAuthentic)
        {
            var (code, status) = SigV4ErrorTable.ToWire(verified.Error);
            context.Response.Headers["x-amzn-ErrorType"] = code;
            return Results.Json(new JsonObject { ["__type"] = code, ["message"] = verified.Message }, statusCode: status);
        }
        var grace = options.Registry.GcGracePeriod;
        if (context.Request.Query["gracePeriodSeconds"] is { Count: > 0 } given)
        {
            if (!int.TryParse(given[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                context.Response.Headers["x-amzn-ErrorType"] = "InvalidParameterException";
                return Results.Json(new JsonObject { ["__type"] = "InvalidParameterException", ["message"] = "gracePeriodSeconds must be a whole number of seconds, 0 or more" }, statusCode: 400);
            }
            grace = TimeSpan.FromSeconds(seconds);
        }
        var result = await gc.RunAsync(grace, context.RequestAborted);
        return Results.Json(new JsonObject
        {
            ["blobsDeleted"] = result.BlobsDeleted,
            ["bytesFreed"] = result.BytesFreed,
            ["linksRemoved"] = result.LinksRemoved,
            ["referrersDeleted"] = result.ReferrersDeleted,
            ["gracePeriodSeconds"] = (long)grace.TotalSeconds,
        });
    }
}
