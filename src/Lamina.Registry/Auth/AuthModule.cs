using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Lamina.Registry.Auth;

public static class AuthModule
{
    /// <summary>
    /// Registers the registry authorizer: Basic and Bearer tokens (<see cref="TokenAuthorizer"/>), or
    /// allow-all when auth is disabled. The token service is registered either way: ECR's
    /// GetAuthorizationToken issues tokens even when nothing checks them.
    /// </summary>
    public static IServiceCollection AddRegistryAuth(this IServiceCollection services, bool authEnabled)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<RegistryTokenService>();
        services.AddSingleton<RegistryCredentialChecker>();
        services.AddSingleton<TokenEndpoint>();
        if (authEnabled) services.AddSingleton<IRegistryAuthorizer, TokenAuthorizer>();
        else services.AddSingleton<IRegistryAuthorizer, AllowAllAuthorizer>();
        return services;
    }

    /// <summary>
    /// Maps the token endpoint of the Bearer flow. A literal route, so it wins over the /v2/{**path}
    /// catch-all of the distribution API; it is served whether or not auth is enabled (clients may still ask).
    /// </summary>
    public static IEndpointRouteBuilder MapRegistryAuth(this IEndpointRouteBuilder endpoints)
    {
        var endpoint = endpoints.ServiceProvider.GetRequiredService<TokenEndpoint>();
        endpoints.MapGet("/v2/token", endpoint.GetAsync);
        endpoints.MapPost("/v2/token", endpoint.PostAsync);
        return endpoints;
    }
}
