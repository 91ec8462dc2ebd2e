using System.Text.Json;
using Lamina.Aws;
using Lamina.Control.Api;
using Lamina.Control.Domain;
using Lamina.Control.Invoke;
using Lamina.Control.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Lamina.Control.Urls;

/// <summary>
/// Serves function URLs (docs/control-plane.md, "Function URLs"):
/// <code>
/// Step 1  the URL id → function + qualifier + configuration (404 when unknown)
/// Step 2  body ≤ 6 MB (413); AuthType AWS_IAM → SigV4 for service "lambda" (403)
/// Step 3  Cors: a preflight is answered here; other requests get the CORS headers
/// Step 4  the payload format 2.0 event → the same checks as Invoke → IFunctionInvoker
/// Step 5  BUFFERED: the answer interpreted (<see cref="UrlResponse"/>); RESPONSE_STREAM: pieces as they come
/// </code>
/// Errors are <c>{"Message":…}</c> bodies with the status from <see cref="Status"/>, the one table of this endpoint.
/// </summary>
public sealed partial class FunctionUrlEndpoint(ControlStore store, LambdaApi api, IFunctionInvoker invoker, AwsRequestAuthenticator auth,
    Credentials account, TimeProvider time, ILogger<FunctionUrlEndpoint> logger)
{
    public async Task HandleAsync(HttpContext context, UrlRoute route)
    {
        var requestId = Guid.NewGuid().ToString();
        var response = context.Response;
        response.Headers["x-amzn-RequestId"] = requestId;
        var ct = context.RequestAborted;

        // Step 1
        if (store.Read(s => s.UrlById(route.UrlId)) is not var (function, url))
        {
            await MessageAsync(context, 404, "Not Found");
            return;
        }

        // Step 2
        var body = await LambdaEndpoints.ReadBodyAsync(context);
        if (body is null)
        {
            await MessageAsync(context, 413, "Request Entity Too Large");
            return;
        }
        var iam = url.AuthType == "AWS_IAM";
        if (iam && !auth.Verify(context, "lambda", body).IsAuthentic)
        {
            await MessageAsync(context, 403, "Forbidden");
            return;
        }

        // Step 3
        var cors = UrlCors.Parse(url.CorsJson);
        if (cors is not null && UrlCors.IsPreflight(context.Request))
        {
            cors.Preflight(context.Request, response.Headers);
            response.StatusCode = 200;
            return;
        }

        // Step 4
        var now = time.GetUtcNow();
        var payload = JsonSerializer.SerializeToUtf8Bytes(UrlEvent.Build(context, route, body, requestId, iam ? account.AccountId : "anonymous", now));
        var (request, refusal) = api.ResolveTarget(function, url.Qualifier, payload, InvocationType.RequestResponse, false, null, requestId, jsonOnly: false);
        if (refusal is not null)
        {
            await ErrorAsync(context, refusal);
            return;
        }
        cors?.Apply(context.Request, response.Headers);

        // Step 5
        if (url.InvokeMode == "RESPONSE_STREAM")
        {
            await StreamAsync(context, request!);
            return;
        }
        var result = await invoker.InvokeAsync(request!, ct);
        if (result.Error is { } error)
        {
            await ErrorAsync(context, error);
            return;
        }
        if (result.FunctionError is not null)
        {
            await MessageAsync(context, 502, "Internal Server Error");
            return;
        }
        var answer = UrlResponse.Interpret(result.Payload);
        response.StatusCode = answer.Status;
        foreach (var (name, value) in answer.Headers) response.Headers.Append(name, value);
        response.ContentLength = answer.Body.Length;
        await response.Body.WriteAsync(answer.Body, ct);
    }

    private async Task StreamAsync(HttpContext context, InvokeRequest request)
    {
        var writer = new UrlStreamWriter(context);
        var result = await invoker.InvokeStreamingAsync(request, writer.WriteAsync, context.RequestAborted);
        if (writer.Started)
        {
            // The status went out with the first piece: a failure after it can only end the body early.
            if (result.Error is not null || result.FunctionError is not null) LogStreamFailed(logger, request.RequestId);
            return;
        }
        if (result.Error is { } error) await ErrorAsync(context, error);
        else if (result.FunctionError is not null) await MessageAsync(context, 502, "Internal Server Error");
        else await writer.FinishAsync(context.RequestAborted);
    }

    /// <summary>The one table from a refusal to the URL's status and message.</summary>
    internal static (int Status, string Message) Status(LambdaError error) => error.Type switch
    {
        LambdaErrorType.TooManyRequests => (429, "Rate Exceeded."),
        LambdaErrorType.RequestTooLarge => (413, "Request Entity Too Large"),
        LambdaErrorType.ResourceNotFound => (404, "Not Found"),
        LambdaErrorType.ResourceConflict => (503, "Service Unavailable"),
        _ => (502, "Internal Server Error"),
    };

    private static Task ErrorAsync(HttpContext context, LambdaError error)
    {
        var (status, message) = Status(error);
        return MessageAsync(context, status, message);
    }

    private static async Task MessageAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string> { ["Message"] = message }), context.RequestAborted);
    }

    [LoggerMessage(EventId = 5301, Level = LogLevel.Warning, Message = "Function URL invoke {RequestId} failed after its response started; the body ends early")]
    private static partial void LogStreamFailed(ILogger logger, string requestId);
}
