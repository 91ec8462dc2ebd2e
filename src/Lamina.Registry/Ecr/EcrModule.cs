using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Lamina.Registry.Ecr;

public static class EcrModule
{
    public static IServiceCollection AddEcrApi(this IServiceCollection services) => services;

    /// <summary>Maps the ECR JSON 1.1 API (POST / with X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.*).</summary>
    public static IEndpointRouteBuilder MapEcrApi(this IEndpointRouteBuilder endpoints) => endpoints;
}
