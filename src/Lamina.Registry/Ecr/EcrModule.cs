using Lamina.Aws.Protocol;
using Lamina.Registry.Ecr.Lifecycle;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Lamina.Registry.Ecr;

public static class EcrModule
{
    /// <summary>
    /// Registers the ECR API (SigV4-verified unless <paramref name="authEnabled"/> is false) and lifecycle
    /// enforcement: after each manifest push, after each policy change, and every hour.
    /// </summary>
    public static IServiceCollection AddEcrApi(this IServiceCollection services, bool authEnabled = true)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(LifecycleOptions.Default);
        services.AddSingleton<LifecycleService>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<LifecycleService>());
        services.AddSingleton<IStartupFilter, ManifestPushWatcher>();
        services.AddAwsJsonService<EcrService>(authEnabled);
        return services;
    }

    /// <summary>Maps the ECR JSON 1.1 API (POST / with X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.*).</summary>
    public static IEndpointRouteBuilder MapEcrApi(this IEndpointRouteBuilder endpoints) => endpoints.MapAwsJsonProtocol();
}
