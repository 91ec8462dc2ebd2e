using Lamina.Agent.Http;

namespace Lamina.Agent.Extensions;

/// <summary>Everything on AWS_LAMBDA_RUNTIME_API: the Runtime API, and the Extensions, Telemetry and Logs APIs.</summary>
internal sealed class PlatformApiRouter(IHttpHandler runtimeApi, IHttpHandler extensionsApi) : IHttpHandler
{
    public ValueTask<HttpResponse> HandleAsync(HttpRequest request, CancellationToken cancellationToken) =>
        request.Path.StartsWith("/2018-06-01/", StringComparison.Ordinal)
            ? runtimeApi.HandleAsync(request, cancellationToken)
            : extensionsApi.HandleAsync(request, cancellationToken);

    public bool StreamsBody(HttpRequest request) => request.Path.StartsWith("/2018-06-01/", StringComparison.Ordinal) && runtimeApi.StreamsBody(request);
}
