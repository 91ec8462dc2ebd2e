using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Lamina.WebConsole;

/// <summary>
/// Serves the web console at <c>/console/</c>: static files embedded in this assembly, nothing else. The
/// console is a client of the server's public APIs (Lambda REST, ECR and CloudWatch Logs JSON 1.1), signing
/// every call with SigV4 in the browser; the server needs no session state or console-only endpoint
/// (docs/console.md says why).
/// </summary>
public static class ConsoleEndpoints
{
    /// <summary>The URL prefix of the console.</summary>
    public const string Prefix = "/console";

    // Scripts and styles only from this origin, no inline code, no framing: a stolen page cannot run
    // someone else's script next to the keys it holds in sessionStorage.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>Maps GET /console (redirect) and GET /console/{file}; unknown files are 404.</summary>
    public static IEndpointRouteBuilder MapLaminaConsole(this IEndpointRouteBuilder endpoints)
    {
        // Routing matches /console and /console/ alike; only the first is redirected (relative asset URLs need the slash).
        endpoints.MapGet(Prefix, (HttpContext context) => context.Request.Path.Value!.EndsWith('/')
            ? Serve(context, null)
            : Results.Redirect(Prefix + "/", permanent: false));
        endpoints.MapGet(Prefix + "/{**file}", (HttpContext context, string? file) => Serve(context, file));
        return endpoints;
    }

    private static IResult Serve(HttpContext context, string? file)
    {
        var asset = ConsoleAssets.Find(string.IsNullOrEmpty(file) ? "index.html" : file);
        if (asset is null) return Results.NotFound();
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        // Small files, served from memory: always revalidate, so an upgraded server never runs an old script.
        headers.CacheControl = "no-cache";
        return Results.Bytes(asset.Value.Bytes, asset.Value.ContentType, entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue(asset.Value.ETag));
    }
}
