using Lamina.Control.Diagnostics;
using Lamina.Environments;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Lamina.Server.Telemetry;

/// <summary>Registers the OpenTelemetry SDK with an OTLP exporter for Lamina's ActivitySources, when configured.</summary>
public static class TracingSetup
{
    /// <summary>
    /// With <see cref="TelemetryOptions.OtlpEndpoint"/> set: a tracer provider (started and flushed with the host) that
    /// samples every span of <c>Lamina.Control</c>, <c>Lamina.Scheduler</c> and <c>Lamina.Environments</c> and exports them
    /// in batches. Without it: nothing is registered and the sources stay listener-free (no spans are allocated).
    /// </summary>
    public static IServiceCollection AddLaminaTracing(this IServiceCollection services, TelemetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.OtlpEndpoint is not { Length: > 0 } endpoint) return services;
        var grpc = options.OtlpProtocol == "grpc";
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(options.ServiceName, serviceVersion: typeof(TracingSetup).Assembly.GetName().Version?.ToString()))
            .WithTracing(t => t
                .AddSource(InvokeTracing.SourceName, "Lamina.Scheduler", EnvironmentTracing.SourceName) // SchedulerTracing is internal
                .SetSampler(new AlwaysOnSampler())
                .AddOtlpExporter(o =>
                {
                    o.Protocol = grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                    // Given a base URL, the SDK appends /v1/traces only when the endpoint comes from the environment: do it here.
                    o.Endpoint = grpc ? new Uri(endpoint) : new Uri(endpoint.TrimEnd('/') + "/v1/traces");
                }));
        return services;
    }
}
