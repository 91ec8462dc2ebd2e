using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Lamina.Aws.Protocol;

/// <summary>
/// Registration of the shared <c>POST /</c> of AWS JSON 1.1 services. Each service module calls
/// <see cref="AddAwsJsonService{TService}"/> and <see cref="MapAwsJsonProtocol"/>; the route is mapped once.
/// </summary>
public static class AwsJsonModule
{
    /// <summary>Registers <typeparamref name="TService"/>, the dispatcher and the request authenticator.</summary>
    public static IServiceCollection AddAwsJsonService<TService>(this IServiceCollection services, bool authEnabled)
        where TService : class, IAwsJsonService
    {
        services.AddAwsRequestAuthentication(authEnabled);
        services.TryAddSingleton<AwsJsonDispatcher>();
        services.TryAddSingleton<AwsJsonRouteMarker>();
        services.AddSingleton<IAwsJsonService, TService>();
        return services;
    }

    /// <summary>Registers the SigV4 authenticator over the server's <see cref="Credentials"/> (once).</summary>
    public static IServiceCollection AddAwsRequestAuthentication(this IServiceCollection services, bool authEnabled)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new AwsRequestAuthenticator(
            sp.GetRequiredService<Credentials>(), authEnabled, sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>Maps <c>POST /</c> to the dispatcher unless another service module already did.</summary>
    public static IEndpointRouteBuilder MapAwsJsonProtocol(this IEndpointRouteBuilder endpoints)
    {
        var marker = endpoints.ServiceProvider.GetRequiredService<AwsJsonRouteMarker>();
        if (Interlocked.Exchange(ref marker.Mapped, 1) == 1) return endpoints;
        var dispatcher = endpoints.ServiceProvider.GetRequiredService<AwsJsonDispatcher>();
        endpoints.MapPost("/", dispatcher.HandleAsync);
        return endpoints;
    }

    internal sealed class AwsJsonRouteMarker
    {
        public int Mapped;
    }
}
