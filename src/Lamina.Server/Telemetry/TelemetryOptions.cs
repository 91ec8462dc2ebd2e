namespace Lamina.Server.Telemetry;

/// <summary>
/// The server's Telemetry section: where traces go. Off unless <see cref="OtlpEndpoint"/> is set
/// (<c>LAMINA__Telemetry__OtlpEndpoint=http://127.0.0.1:4318</c>); then the invoke path's spans (docs/tracing.md)
/// are exported over OTLP.
/// </summary>
public sealed class TelemetryOptions
{
    /// <summary>The OTLP collector's base URL (http or https). For <c>http/protobuf</c> the exporter posts to <c>BASE/v1/traces</c>.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>http/protobuf</c> (default, OTLP/HTTP) or <c>grpc</c> (OTLP/gRPC).</summary>
    public string OtlpProtocol { get; set; } = "http/protobuf";

    /// <summary>The <c>service.name</c> resource attribute of every exported span.</summary>
    public string ServiceName { get; set; } = "lamina";

    /// <summary>Every problem, as messages a user can act on.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (OtlpEndpoint is { Length: > 0 } endpoint
            && !(Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            errors.Add($"Telemetry:OtlpEndpoint '{endpoint}' must be an absolute http:// or https:// URL (e.g. http://127.0.0.1:4318)");
        if (OtlpProtocol is not ("http/protobuf" or "grpc"))
            errors.Add($"Telemetry:OtlpProtocol '{OtlpProtocol}' must be 'http/protobuf' or 'grpc'");
        if (string.IsNullOrWhiteSpace(ServiceName)) errors.Add("Telemetry:ServiceName must not be empty");
        return errors;
    }
}
