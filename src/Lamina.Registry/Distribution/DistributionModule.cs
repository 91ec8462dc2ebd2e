using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Lamina.Registry.Distribution;

public static class DistributionModule
{
    /// <summary>Maps the OCI Distribution API under /v2/.</summary>
    public static IEndpointRouteBuilder MapDistributionApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods("/v2/", ["GET", "HEAD"], (HttpContext ctx) =>
        {
            ctx.Response.Headers["Docker-Distribution-API-Version"] = "registry/2.0";
            return Results.Json(new { });
        });
        return endpoints;
    }
}
