using System.Text.Json;
using System.Text.Json.Nodes;
using Lamina.Control.Domain;
using Lamina.Control.Invoke;
using Microsoft.AspNetCore.Http;

namespace Lamina.Control.Api;

/// <summary>
/// InvokeWithResponseStream (POST /2021-11-15/functions/{name}/response-streaming-invocations): the same checks as
/// Invoke, then 200 with <c>application/vnd.amazon.eventstream</c>: one PayloadChunk event per piece the function
/// writes, sent as it is written, and an InvokeComplete event (ErrorCode/ErrorDetails for a function error,
/// LogResult for X-Amz-Log-Type: Tail). A refusal before the first piece (throttle, platform failure) is a
/// normal error response.
/// </summary>
public sealed partial class LambdaApi
{
    public Task<ApiResponse> InvokeWithResponseStreamAsync(LambdaCall call)
    {
        var typeHeader = call.Header("X-Amz-Invocation-Type") ?? "RequestResponse";
        if (typeHeader is not ("RequestResponse" or "DryRun"))
            return Task.FromResult<ApiResponse>(LambdaError.Validation(typeHeader, "invocationType", "Member must satisfy enum value set: [RequestResponse, DryRun]"));
        var logType = call.Header("X-Amz-Log-Type");
        if (logType is not (null or "None" or "Tail"))
            return Task.FromResult<ApiResponse>(LambdaError.Validation(logType, "logType", "Member must satisfy enum value set: [None, Tail]"));
        var type = typeHeader == "DryRun" ? InvocationType.DryRun : InvocationType.RequestResponse;
        var (request, _, refusal) = ResolveInvoke(call, type, logType == "Tail");
        if (refusal is not null) return Task.FromResult(refusal);
        var version = request!.Function.Version;
        if (type == InvocationType.DryRun)
            return Task.FromResult(new ApiResponse(204) { Headers = { ["X-Amz-Executed-Version"] = version } });
        return Task.FromResult(new ApiResponse(200)
        {
            Headers = { ["X-Amz-Executed-Version"] = version },
            Writer = context => StreamAsync(context, request),
        });
    }

    private async Task<LambdaError?> StreamAsync(HttpContext context, InvokeRequest request)
    {
        var response = context.Response;
        var ct = context.RequestAborted;
        response.ContentType = "application/vnd.amazon.eventstream";
        var result = await invoker.InvokeStreamingAsync(request, async (piece, token) =>
        {
            await response.Body.WriteAsync(EventStreamMessage.Event("PayloadChunk", "application/octet-stream", piece.Span), token);
            await response.Body.FlushAsync(token);
        }, ct);
        if (result.Error is { } error)
        {
            if (!response.HasStarted) return error;
            result = result with { FunctionError = "Unhandled", Payload = JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["errorType"] = "ServiceException", ["errorMessage"] = error.Message }) };
        }
        var complete = new JsonObject();
        if (result.FunctionError is not null)
        {
            var (code, details) = ErrorOf(result.Payload);
            complete["ErrorCode"] = code;
            complete["ErrorDetails"] = details;
        }
        if (request.TailLog) complete["LogResult"] = LogTail(result.LogTail ?? "");
        await response.Body.WriteAsync(EventStreamMessage.Event("InvokeComplete", "application/json", JsonSerializer.SerializeToUtf8Bytes(complete)), ct);
        return null;
    }

    /// <summary>The error type and message of a function error body ({"errorType","errorMessage"}), else the body as text.</summary>
    private static (string Code, string Details) ErrorOf(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                var type = doc.RootElement.TryGetProperty("errorType", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                var message = doc.RootElement.TryGetProperty("errorMessage", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                return (type ?? "Unhandled", message ?? System.Text.Encoding.UTF8.GetString(body.Span));
            }
        }
        catch (JsonException)
        {
        }
        return ("Unhandled", System.Text.Encoding.UTF8.GetString(body.Span));
    }
}
