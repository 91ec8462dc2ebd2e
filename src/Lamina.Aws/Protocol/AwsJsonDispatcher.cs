using System.Text.Json;
using System.Text.Json.Nodes;
using Lamina.Aws.Signing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Lamina.Aws.Protocol;

/// <summary>
/// Serves <c>POST /</c> for every AWS JSON 1.1 service:
/// <code>
/// Step 1  X-Amz-Target "Prefix.Operation" → the service registered for Prefix   (UnknownOperationException)
/// Step 2  read the body (bounded)                                                (SerializationException, 413)
/// Step 3  verify SigV4 for the service's signing name                            (MissingAuthenticationToken…)
/// Step 4  parse the JSON object                                                  (SerializationException)
/// Step 5  run the operation; a thrown exception is a bug → the service's internal error, 500
/// </code>
/// Every response carries x-amzn-RequestId; errors carry x-amzn-ErrorType and {"__type","message"}.
/// </summary>
public sealed partial class AwsJsonDispatcher(IEnumerable<IAwsJsonService> services, AwsRequestAuthenticator authenticator, ILogger<AwsJsonDispatcher> logger)
{
    public const string ContentType = "application/x-amz-json-1.1";

    /// <summary>Largest request body accepted; ECR's biggest input (a manifest) is 4 MiB.</summary>
    public const int MaxBodyBytes = 8 * 1024 * 1024;

    private readonly Dictionary<string, IAwsJsonService> _byPrefix = services.ToDictionary(s => s.TargetPrefix, StringComparer.Ordinal);

    public async Task HandleAsync(HttpContext context)
    {
        var requestId = Guid.NewGuid().ToString();
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        var response = await DispatchAsync(context, context.RequestAborted);
        context.Response.StatusCode = response.Status;
        context.Response.ContentType = ContentType;
        if (response.ErrorCode is not null) context.Response.Headers["x-amzn-ErrorType"] = response.ErrorCode;
        context.Response.ContentLength = response.Body.Length;
        await context.Response.Body.WriteAsync(response.Body, context.RequestAborted);
    }

    private async Task<AwsJsonResponse> DispatchAsync(HttpContext context, CancellationToken ct)
    {
        // Step 1
        var target = context.Request.Headers["X-Amz-Target"].ToString();
        var dot = target.LastIndexOf('.');
        if (dot <= 0 || !_byPrefix.TryGetValue(target[..dot], out var service))
            return AwsJsonResponse.Error("UnknownOperationException", target.Length == 0 ? "Missing X-Amz-Target header" : $"Unknown target {target}");
        var operation = target[(dot + 1)..];

        // Step 2
        if (context.Request.ContentLength > MaxBodyBytes)
            return AwsJsonResponse.Error("SerializationException", $"Request body exceeds {MaxBodyBytes} bytes", 413);
        byte[] body;
        using (var buffer = new MemoryStream())
        {
            var chunk = new byte[16384];
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > MaxBodyBytes)
                    return AwsJsonResponse.Error("SerializationException", $"Request body exceeds {MaxBodyBytes} bytes", 413);
                buffer.Write(chunk, 0, read);
            }
            body = buffer.ToArray();
        }

        // Step 3
        var auth = authenticator.Verify(context, service.SigningName, body);
        if (!auth.IsAuthentic)
        {
            var (code, status) = SigV4ErrorTable.ToWire(auth.Error);
            return AwsJsonResponse.Error(code, auth.Message!, status);
        }

        // Step 4
        JsonObject input;
        try
        {
            // Duplicate names are refused here: JsonObject would throw on first lookup (found by the HTTP fuzz loop, a 500).
            input = body.Length == 0 ? [] : JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) as JsonObject
                ?? throw new JsonException("the request body must be a JSON object");
        }
        catch (JsonException e)
        {
            return AwsJsonResponse.Error("SerializationException", $"Could not parse the request body: {e.Message}");
        }

        // Step 5
        try
        {
            return await service.HandleAsync(new AwsJsonRequest(operation, input, auth.AccessKeyId!, context), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogOperationFailed(logger, e, target);
            return AwsJsonResponse.Error(service.InternalErrorCode, "The server encountered an internal error: " + e.GetType().Name, 500);
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "AWS JSON operation {Target} failed")]
    private static partial void LogOperationFailed(ILogger logger, Exception exception, string target);
}
