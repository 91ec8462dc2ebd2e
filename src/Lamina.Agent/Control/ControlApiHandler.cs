using System.Buffers;
using System.Text.Json;
using Lamina.Agent.Emulator;
using Lamina.Agent.Http;

namespace Lamina.Agent.Control;

/// <summary>
/// The host's control channel (docs/agent-protocol.md): HTTP/1.1 over a Unix socket that only the
/// host can reach. It is the Invoke API plus three control routes under /lamina/v1/:
/// GET health, POST init (start the runtime now, report the init time), POST shutdown.
/// </summary>
internal sealed class ControlApiHandler(InvokeApiHandler invokes, EnvironmentPool environments, Action shutdown) : IHttpHandler
{
    private const string Prefix = "/lamina/v1/";

    public async ValueTask<HttpResponse> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.Path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            if (request.Header(StreamedInvoke.RequestHeader) == "1")
            {
                return StreamedInvoke.Start(invokes, environments, request, cancellationToken);
            }
            return await invokes.HandleAsync(request, cancellationToken);
        }
        switch (request.Path[Prefix.Length..], request.Method)
        {
            case ("health", "GET"):
                return HttpResponse.Json(200, """{"status":"ok"}"""u8.ToArray());
            case ("init", "POST"):
                var (failure, initMs) = await environments.InitializeAsync();
                return HttpResponse.Json(200, InitReport(failure, initMs));
            case ("shutdown", "POST"):
                // Stopping starts only once the answer is written: it closes every connection and removes the socket,
                // so begun here it raced the answer, and a host whose answer was cut off (reset, or retried by its
                // HTTP client on a new connection: ENOENT, "Cannot assign requested address") never saw "stopping".
                return new HttpResponse(200, """{"status":"stopping"}"""u8.ToArray(), "application/json") { CloseConnection = true, AfterSent = shutdown };
            default:
                return InvokeApiErrors.Render(InvokeApiError.NotFound, request.Path);
        }
    }

    /// <summary><c>{"status":"ready","initDurationMs":n}</c>, or <c>"failed"</c> with the error payload under "error".</summary>
    private static byte[] InitReport(InvokeOutcome? failure, double initMs)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("status", failure is null ? "ready" : "failed");
            writer.WriteNumber("initDurationMs", Math.Round(initMs, 2));
            if (failure is not null)
            {
                writer.WritePropertyName("error");
                try
                {
                    writer.WriteRawValue(failure.Body);
                }
                catch (JsonException)
                {
                    // The runtime's /init/error body was not JSON: pass it as a string instead.
                    writer.WriteStringValue(System.Text.Encoding.UTF8.GetString(failure.Body));
                }
            }
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
