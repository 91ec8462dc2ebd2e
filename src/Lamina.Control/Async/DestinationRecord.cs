using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lamina.Control.Invoke;

namespace Lamina.Control.Async;

/// <summary>
/// The invocation record Lambda sends to an asynchronous invocation's destination (version "1.0"):
/// <code>
/// { version, timestamp, requestContext { requestId, functionArn, condition, approximateInvokeCount },
///   requestPayload, responseContext { statusCode, executedVersion, functionError? }, responsePayload }
/// </code>
/// responseContext and responsePayload are present when the function ran at least once.
/// </summary>
public static class DestinationRecord
{
    public const string Success = "Success";
    public const string RetriesExhausted = "RetriesExhausted";
    public const string EventAgeExceeded = "EventAgeExceeded";

    /// <summary>The record as UTF-8 JSON; payloads that are not JSON are embedded as strings.</summary>
    public static byte[] Build(AsyncEvent e, string condition, int invokeCount, InvokeResult? last, DateTimeOffset now)
    {
        var record = new JsonObject
        {
            ["version"] = "1.0",
            ["timestamp"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["requestContext"] = new JsonObject
            {
                ["requestId"] = e.RequestId,
                // AWS names the version that ran: function ARN with the version qualifier.
                ["functionArn"] = VersionArn(e),
                ["condition"] = condition,
                ["approximateInvokeCount"] = invokeCount,
            },
            ["requestPayload"] = Parse(e.Payload),
        };
        if (last is not null)
        {
            var response = new JsonObject { ["statusCode"] = 200, ["executedVersion"] = e.Function.Version };
            if (last.FunctionError is not null) response["functionError"] = last.FunctionError;
            record["responseContext"] = response;
            record["responsePayload"] = Parse(last.Payload.ToArray());
        }
        return JsonSerializer.SerializeToUtf8Bytes(record);
    }

    private static string VersionArn(AsyncEvent e)
    {
        var colon = e.InvokedArn.IndexOf(":function:", StringComparison.Ordinal);
        var name = e.InvokedArn[(colon + ":function:".Length)..];
        var unqualified = name.Contains(':', StringComparison.Ordinal) ? e.InvokedArn[..e.InvokedArn.LastIndexOf(':')] : e.InvokedArn;
        return unqualified + ":" + e.Function.Version;
    }

    private static JsonNode? Parse(byte[] payload)
    {
        if (payload.Length == 0) return null;
        try
        {
            return JsonNode.Parse(payload);
        }
        catch (JsonException)
        {
            return JsonValue.Create(System.Text.Encoding.UTF8.GetString(payload));
        }
    }
}
