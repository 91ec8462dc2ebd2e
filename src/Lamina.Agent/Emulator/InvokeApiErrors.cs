using System.Buffers;
using System.Text.Json;
using Lamina.Agent.Http;

namespace Lamina.Agent.Emulator;

/// <summary>The one table from <see cref="InvokeApiError"/> to Lambda's REST error shape:
/// status, X-Amzn-ErrorType, and <c>{"Type":"User","message":...}</c>.</summary>
internal static class InvokeApiErrors
{
    public static HttpResponse Render(InvokeApiError error, string detail)
    {
        var (status, code, message) = error switch
        {
            InvokeApiError.MethodNotAllowed => (405, "MethodNotAllowedException", $"Method {detail} is not allowed; invoke with POST."),
            InvokeApiError.RequestTooLarge => (413, "RequestTooLargeException", $"Request must be smaller than {InvokeApiHandler.MaxPayloadBytes} bytes for the InvokeFunction operation"),
            InvokeApiError.InvalidClientContext => (400, "InvalidRequestContentException", "Client context must be a valid Base64-encoded JSON object without control characters."),
            InvokeApiError.InvalidTraceId => (400, "InvalidRequestContentException", "X-Amzn-Trace-Id must not contain control characters."),
            InvokeApiError.InvalidInvocationType => (400, "InvalidParameterValueException", $"Unsupported invocation type '{detail}': use RequestResponse, Event or DryRun."),
            InvokeApiError.InvalidRequestId => (400, "InvalidRequestContentException", "Lamina-Request-Id must be 1-64 letters, digits or '-'."),
            _ => (404, "ResourceNotFoundException", $"No route {detail}; invoke POST /2015-03-31/functions/<name>/invocations."),
        };
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("Type", "User");
            writer.WriteString("message", message);
            writer.WriteEndObject();
        }
        return HttpResponse.Json(status, buffer.WrittenSpan.ToArray()).With("X-Amzn-ErrorType", code);
    }
}
