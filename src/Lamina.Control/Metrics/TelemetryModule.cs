using Lamina.Aws.Protocol;
using Lamina.Control.Invoke;
using Lamina.Control.Logs;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Lamina.Control.Metrics;

/// <summary>Registers the logs store (DATA/logs.db, the Logs JSON API) and the metrics, as the server's <see cref="IInvocationTelemetry"/>.</summary>
public static class TelemetryModule
{
    /// <summary>A <see cref="LogsOptions"/>, <see cref="MetricsPersistenceOptions"/> or <see cref="IInvocationTelemetry"/> registered earlier wins.</summary>
    public static IServiceCollection AddLaminaTelemetry(this IServiceCollection services, string dataDir, bool authEnabled)
    {
        services.TryAddSingleton(new LogsOptions());
        services.AddSingleton(new LogsDatabase(Path.Combine(dataDir, "logs.db")));
        services.AddSingleton<LogStore>();
        services.AddSingleton<LogIngestion>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<LogIngestion>());
        services.AddSingleton<InvocationMetrics>();
        services.TryAddSingleton(new MetricsPersistenceOptions());
        services.AddSingleton<MetricsStore>();
        services.AddSingleton(sp => new RangeSeriesCache(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<MetricsFlusher>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<MetricsFlusher>());
        services.TryAddSingleton<IInvocationTelemetry, InvocationTelemetry>();
        services.AddAwsJsonService<LogsService>(authEnabled);
        return services;
    }

    /// <summary>Maps POST / (shared with ECR; Logs_20140328.* targets), /metrics and /lamina/api/v1/functions/….</summary>
    public static IEndpointRouteBuilder MapLaminaTelemetry(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapAwsJsonProtocol().MapLaminaMetrics();
}
