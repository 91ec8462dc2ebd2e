using Lamina.Registry.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Lamina.Registry;

/// <summary>Wires the registry into the server: its services and its endpoints under /v2/.</summary>
public static class RegistryModule
{
    public static IServiceCollection AddLaminaRegistry(this IServiceCollection services, RegistryOptions options, string dataDir)
    {
        services.AddSingleton(options);
        services.AddSingleton(new RegistryPaths(dataDir));
        services.AddSingleton<IRegistryAuthorizer, AllowAllAuthorizer>();
        return services;
    }

    public static IEndpointRouteBuilder MapLaminaRegistry(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods("/v2/", ["GET", "HEAD"], (HttpContext ctx) =>
        {
            ctx.Response.Headers["Docker-Distribution-API-Version"] = "registry/2.0";
            return Results.Json(new { });
        });
        return endpoints;
    }
}
