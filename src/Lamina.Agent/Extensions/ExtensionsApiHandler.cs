using System.Buffers;
using System.Text.Json;
using Lamina.Agent.Emulator;
using Lamina.Agent.Http;
using Lamina.Agent.Runtime;

namespace Lamina.Agent.Extensions;

/// <summary>
/// Extensions API 2020-01-01 (register, event/next, init/error, exit/error) and the subscription
/// endpoints of the Telemetry API 2022-07-01 and Logs API 2020-08-15 (validated by
/// <see cref="SubscriptionRequest"/>, delivered by <see cref="TelemetryHub"/>).
/// </summary>
internal sealed class ExtensionsApiHandler(Func<ExtensionHost> extensions, EmulatorOptions options) : IHttpHandler
{
    private const string IdentifierHeader = "Lambda-Extension-Identifier";

    public async ValueTask<HttpResponse> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        switch (request.Path, request.Method)
        {
            case ("/2020-01-01/extension/register", "POST"):
                return Register(request);
            case ("/2020-01-01/extension/event/next", "GET"):
                var refusal = extensions().Registry.Next(request.Header(IdentifierHeader), out var next);
                if (refusal != ExtensionApiError.None)
                {
                    return Refuse(refusal);
                }
                var json = await next!;
                return HttpResponse.Json(200, json).With("Lambda-Extension-Event-Identifier", Uuid.NewString());
            case ("/2020-01-01/extension/init/error", "POST") or ("/2020-01-01/extension/exit/error", "POST"):
                var host = extensions();
                if (host.Registry.NameOf(request.Header(IdentifierHeader)) is not { } extensionName)
                {
                    return Refuse(ExtensionApiError.UnknownExtension);
                }
                var exit = request.Path.EndsWith("/exit/error", StringComparison.Ordinal);
                var reported = ExtensionErrorType(request.Header("Lambda-Extension-Function-Error-Type"));
                AgentLog.WriteLater(AgentLog.Warn, $"extension {extensionName} reported {request.Path[("/2020-01-01/extension/".Length)..]}: {reported}");
                host.ReportError(extensionName, exit, reported);
                return HttpResponse.Json(202, """{"status":"OK"}"""u8.ToArray());
            case ("/2022-07-01/telemetry", "PUT"):
                return Subscribe(request, SubscriptionApi.Telemetry);
            case ("/2020-08-15/logs", "PUT"):
                return Subscribe(request, SubscriptionApi.Logs);
            default:
                return Refuse(ExtensionApiError.NotFound);
        }
    }

    private HttpResponse Register(HttpRequest request)
    {
        var name = request.Header("Lambda-Extension-Name");
        if (string.IsNullOrEmpty(name) || !TryReadEvents(request.Body, out var invoke, out var shutdown))
        {
            return Refuse(ExtensionApiError.InvalidRequest);
        }
        var refusal = extensions().Registry.Register(name, invoke, shutdown, out var id);
        if (refusal != ExtensionApiError.None)
        {
            return Refuse(refusal);
        }
        var body = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteString("functionName", options.FunctionName);
            writer.WriteString("functionVersion", options.FunctionVersion);
            writer.WriteString("handler", options.Handler ?? "");
            writer.WriteEndObject();
        }
        return HttpResponse.Json(200, body.WrittenSpan.ToArray()).With(IdentifierHeader, id);
    }

    /// <summary>The body must be <c>{"events":[...]}</c> with only INVOKE and SHUTDOWN (an empty list is allowed).</summary>
    private static bool TryReadEvents(byte[] body, out bool invoke, out bool shutdown)
    {
        invoke = shutdown = false;
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (!doc.RootElement.TryGetProperty("events", out var events) || events.ValueKind != JsonValueKind.Array)
            {
                return false;
            }
            foreach (var e in events.EnumerateArray())
            {
                switch (e.ValueKind == JsonValueKind.String ? e.GetString() : null)
                {
                    case "INVOKE": invoke = true; break;
                    case "SHUTDOWN": shutdown = true; break;
                    default: return false;
                }
            }
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private HttpResponse Subscribe(HttpRequest request, SubscriptionApi api)
    {
        var host = extensions();
        var id = request.Header(IdentifierHeader);
        if (host.Registry.NameOf(id) is not { } name)
        {
            return Refuse(ExtensionApiError.UnknownExtension);
        }
        var parsed = SubscriptionRequest.Parse(api, request.Body, out var error);
        if (parsed is null)
        {
            return HttpResponse.Json(400, ErrorJson.Create("ValidationError", error!));
        }
        if (host.Telemetry.ApiOf(id!) is { } used && used != api)
        {
            // AWS: after subscribing through one of the two APIs, subscribing through the other is an error.
            return HttpResponse.Json(400, ErrorJson.Create("ValidationError",
                $"this extension already subscribed through the {(used == SubscriptionApi.Logs ? "Logs" : "Telemetry")} API; use only one of the two"));
        }
        host.Telemetry.Subscribe(id!, name, new TelemetrySubscription(parsed));
        return new HttpResponse(200, "OK"u8.ToArray(), "text/plain");
    }

    /// <summary>Extensions name their own types (Extension.Category.Reason): kept when they are a safe token, else Extension.Unknown.</summary>
    private static string ExtensionErrorType(string? type) =>
        type is { Length: > 0 and <= 128 } && type.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-') ? type : "Extension.Unknown";

    /// <summary>The one table from refusal to status and error body.</summary>
    private static HttpResponse Refuse(ExtensionApiError error)
    {
        var (status, type, message) = error switch
        {
            ExtensionApiError.RegistrationClosed => (403, "InvalidStateTransition", "Extensions can register only during the init phase."),
            ExtensionApiError.TooManyExtensions => (400, "Extension.TooManyExtensions", $"At most {ExtensionRegistry.MaxExtensions} extensions can register."),
            ExtensionApiError.UnknownExtension => (403, "Extension.UnknownExtensionIdentifier", "Lambda-Extension-Identifier is missing or not registered."),
            ExtensionApiError.InvalidRequest => (400, "InvalidRequest", "Need Lambda-Extension-Name and a body {\"events\":[\"INVOKE\"|\"SHUTDOWN\"...]}, or a valid subscription {types, destination:{URI}}."),
            _ => (404, "NotFound", "No such Extensions/Telemetry API route."),
        };
        return HttpResponse.Json(status, ErrorJson.Create(type, message));
    }
}
