using Lamina.Registry.Auth;
using Lamina.Registry.Distribution;
using Lamina.Registry.Ecr;
using Lamina.Registry.Storage;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Lamina.Registry;

/// <summary>Wires the registry into the server: storage, authentication, the /v2/ API and the ECR API.</summary>
public static class RegistryModule
{
    public static IServiceCollection AddLaminaRegistry(this IServiceCollection services, RegistryOptions options, string dataDir, bool authEnabled)
    {
        services.AddSingleton(options);
        services.AddSingleton(new RegistryPaths(dataDir));
        services.AddRegistryStorage();
        services.AddRegistryAuth(authEnabled);
        services.AddEcrApi(authEnabled);
        services.AddLargeBlockMemoryPool();
        services.AddSingleton(new BlobSendPolicy(options.BlobSend, Environment.ProcessorCount));
        return services;
    }

    public static IEndpointRouteBuilder MapLaminaRegistry(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapRegistryAuth();
        endpoints.MapDistributionApi();
        endpoints.MapEcrApi();
        return endpoints;
    }
}
