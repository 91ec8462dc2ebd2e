using System.Text.Json;
using System.Text.Json.Nodes;
using Lamina.Aws;
using Lamina.Aws.Signing;
using Lamina.Control.Domain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lamina.Control.Api;

/// <summary>
/// Maps Lambda's REST paths and runs every request through one pipeline:
/// <code>
/// Step 1  x-amzn-RequestId on every response
/// Step 2  read the body, bounded (RequestTooLargeException 413)
/// Step 3  verify SigV4 for service "lambda" (skipped when authentication is off)
/// Step 4  run the handler; a thrown exception is a bug → ServiceException 500
/// Step 5  render the response, or the error once through <see cref="LambdaErrorTable"/>
/// </code>
/// </summary>
public static partial class LambdaEndpoints
{
    /// <summary>Largest body read: the synchronous invoke payload limit plus JSON framing slack.</summary>
    public const int MaxBodyBytes = LambdaApi.SyncPayloadLimit;

    // Messages quote values ('x'); the relaxed encoder keeps them readable in application/json bodies.
    private static readonly JsonSerializerOptions WireOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IEndpointRouteBuilder MapLambdaApi(this IEndpointRouteBuilder e)
    {
        const string F = "/2015-03-31/functions/{FunctionName}";
        Map(e, "POST", "/2015-03-31/functions", a => a.CreateFunctionAsync);
        Map(e, "GET", "/2015-03-31/functions", a => a.ListFunctions);
        Map(e, "GET", F, a => a.GetFunction);
        Map(e, "DELETE", F, a => a.DeleteFunctionAsync);
        Map(e, "GET", F + "/configuration", a => a.GetFunctionConfiguration);
        Map(e, "PUT", F + "/configuration", a => a.UpdateFunctionConfigurationAsync);
        Map(e, "PUT", F + "/code", a => a.UpdateFunctionCodeAsync);
        Map(e, "POST", F + "/versions", a => a.PublishVersionAsync);
        Map(e, "GET", F + "/versions", a => a.ListVersionsByFunction);
        Map(e, "POST", F + "/aliases", a => a.CreateAliasAsync);
        Map(e, "GET", F + "/aliases", a => a.ListAliases);
        Map(e, "GET", F + "/aliases/{Name}", a => a.GetAlias);
        Map(e, "PUT", F + "/aliases/{Name}", a => a.UpdateAliasAsync);
        Map(e, "DELETE", F + "/aliases/{Name}", a => a.DeleteAliasAsync);
        Map(e, "POST", F + "/invocations", a => a.InvokeAsync);
        Map(e, "POST", "/2021-11-15/functions/{FunctionName}/response-streaming-invocations", a => a.InvokeWithResponseStreamAsync);
        Map(e, "PUT", "/2017-10-31/functions/{FunctionName}/concurrency", a => a.PutFunctionConcurrencyAsync);
        Map(e, "DELETE", "/2017-10-31/functions/{FunctionName}/concurrency", a => a.DeleteFunctionConcurrencyAsync);
        Map(e, "GET", "/2019-09-30/functions/{FunctionName}/concurrency", a => a.GetFunctionConcurrency);
        Map(e, "GET", "/2016-08-19/account-settings", a => a.GetAccountSettings);
        const string Pc = "/2019-09-30/functions/{FunctionName}/provisioned-concurrency";
        Map(e, "PUT", Pc, a => a.PutProvisionedConcurrencyConfigAsync);
        Map(e, "GET", Pc, a => a.GetOrListProvisionedConcurrencyConfigs);
        Map(e, "DELETE", Pc, a => a.DeleteProvisionedConcurrencyConfigAsync);
        Map(e, "POST", "/2021-10-31/functions/{FunctionName}/url", a => a.CreateFunctionUrlConfigAsync);
        Map(e, "GET", "/2021-10-31/functions/{FunctionName}/url", a => a.GetFunctionUrlConfig);
        Map(e, "PUT", "/2021-10-31/functions/{FunctionName}/url", a => a.UpdateFunctionUrlConfigAsync);
        Map(e, "DELETE", "/2021-10-31/functions/{FunctionName}/url", a => a.DeleteFunctionUrlConfigAsync);
        Map(e, "GET", "/2021-10-31/functions/{FunctionName}/urls", a => a.ListFunctionUrlConfigs);
        const string Eic = "/2019-09-25/functions/{FunctionName}/event-invoke-config";
        Map(e, "PUT", Eic, a => a.PutFunctionEventInvokeConfigAsync);
        Map(e, "POST", Eic, a => a.UpdateFunctionEventInvokeConfigAsync);
        Map(e, "GET", Eic, a => a.GetFunctionEventInvokeConfig);
        Map(e, "DELETE", Eic, a => a.DeleteFunctionEventInvokeConfigAsync);
        Map(e, "GET", Eic + "/list", a => a.ListFunctionEventInvokeConfigs);
        Map(e, "POST", "/2017-03-31/tags/{Resource}", a => a.TagResourceAsync);
        Map(e, "DELETE", "/2017-03-31/tags/{Resource}", a => a.UntagResourceAsync);
        Map(e, "GET", "/2017-03-31/tags/{Resource}", a => a.ListTags);
        return e;
    }

    private static void Map(IEndpointRouteBuilder e, string method, string pattern, Func<LambdaApi, Func<LambdaCall, ApiResponse>> pick) =>
        Map(e, method, pattern, a => { var f = pick(a); return call => Task.FromResult(f(call)); });

    private static void Map(IEndpointRouteBuilder e, string method, string pattern, Func<LambdaApi, Func<LambdaCall, Task<ApiResponse>>> pick)
    {
        var api = e.ServiceProvider.GetRequiredService<LambdaApi>();
        var auth = e.ServiceProvider.GetRequiredService<AwsRequestAuthenticator>();
        var logger = e.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(LambdaEndpoints));
        var handler = pick(api);
        e.MapMethods(pattern, [method], (HttpContext context) => HandleAsync(context, handler, auth, logger));
    }

    private static async Task HandleAsync(HttpContext context, Func<LambdaCall, Task<ApiResponse>> handler, AwsRequestAuthenticator auth, ILogger logger)
    {
        // Step 1
        var requestId = Guid.NewGuid().ToString();
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        ApiResponse response;
        try
        {
            response = await RunAsync(context, handler, auth, requestId);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            // Step 4: a bug, not an expected failure.
            LogHandlerFailed(logger, ex, context.Request.Method, context.Request.Path);
            response = new LambdaError(LambdaErrorType.Service, "The server encountered an internal error: " + ex.GetType().Name);
        }
        await WriteAsync(context, response);
    }

    private static async Task<ApiResponse> RunAsync(HttpContext context, Func<LambdaCall, Task<ApiResponse>> handler, AwsRequestAuthenticator auth, string requestId)
    {
        // Step 2
        var body = await ReadBodyAsync(context);
        if (body is null)
        {
            return new LambdaError(LambdaErrorType.RequestTooLarge, $"Request must be smaller than {MaxBodyBytes} bytes for the {OperationName(context)} operation");
        }

        // Step 3
        var verified = auth.Verify(context, "lambda", body);
        if (!verified.IsAuthentic)
        {
            var (code, status) = SigV4ErrorTable.ToWire(verified.Error);
            return new ApiResponse(status, new JsonObject { ["message"] = verified.Message }) { Headers = { ["x-amzn-ErrorType"] = code } };
        }

        // Step 4
        return await handler(new LambdaCall(context, body, requestId));
    }

    /// <summary>The request body, or null when it is over <see cref="MaxBodyBytes"/> (also used by the function URL endpoint).</summary>
    internal static async Task<byte[]?> ReadBodyAsync(HttpContext context)
    {
        if (context.Request.ContentLength > MaxBodyBytes) return null;
        // Hot path (every invoke): a declared length is read straight into an array of that size, without the
        // 16 KB chunk, the MemoryStream and its final copy; a chunked body is read in 16 KB pieces.
        if (context.Request.ContentLength is { } declared) return await ReadDeclaredAsync(context, (int)declared);
        return await ReadChunksAsync(context);
    }

    private static async Task<byte[]?> ReadDeclaredAsync(HttpContext context, int declared)
    {
        var body = new byte[declared];
        var filled = 0;
        while (filled < declared)
        {
            var read = await context.Request.Body.ReadAsync(body.AsMemory(filled), context.RequestAborted);
            if (read == 0) return body[..filled]; // shorter than declared: Kestrel fails the read first; kept for other servers
            filled += read;
        }
        // Kestrel ends the body at Content-Length (the rest of the connection is the next request).
        return body;
    }

    /// <summary>A body without Content-Length (chunked), in 16 KB reads; null past <see cref="MaxBodyBytes"/>.</summary>
    private static async Task<byte[]?> ReadChunksAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16384];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static string OperationName(HttpContext context) =>
        context.Request.Path.Value?.EndsWith("/invocations", StringComparison.Ordinal) == true ? "Invoke" : "request";

    // Step 5
    private static async Task WriteAsync(HttpContext context, ApiResponse response)
    {
        if (response is { Writer: { } writer, Error: null })
        {
            context.Response.StatusCode = response.Status;
            foreach (var (name, value) in response.Headers) context.Response.Headers[name] = value;
            var failed = await writer(context);
            if (failed is null || context.Response.HasStarted) return;
            foreach (var (name, _) in response.Headers) context.Response.Headers.Remove(name);
            response = failed;
        }
        byte[] bytes;
        if (response.Error is { } error)
        {
            var (code, status, fault) = LambdaErrorTable.ToWire(error.Type);
            context.Response.StatusCode = status;
            context.Response.Headers["x-amzn-ErrorType"] = code;
            var body = new JsonObject { ["Type"] = fault, ["message"] = error.Message };
            if (error.Reason is not null) body["Reason"] = error.Reason;
            bytes = JsonSerializer.SerializeToUtf8Bytes(body, WireOptions);
            context.Response.ContentType = "application/json";
        }
        else
        {
            context.Response.StatusCode = response.Status;
            foreach (var (name, value) in response.Headers) context.Response.Headers[name] = value;
            if (response.Raw is { } raw)
            {
                // The function's answer as it came (up to 6 MB): written as is, not copied first.
                if (response.Status == 204) return;
                context.Response.ContentType = "application/json";
                context.Response.ContentLength = raw.Length;
                await context.Response.Body.WriteAsync(raw, context.RequestAborted);
                return;
            }
            else if (response.Json is { } json) bytes = JsonSerializer.SerializeToUtf8Bytes(json, WireOptions);
            else bytes = [];
            if (response.Status != 204) context.Response.ContentType = "application/json";
        }
        if (response.Status == 204 && response.Error is null) return;
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    [LoggerMessage(EventId = 5201, Level = LogLevel.Error, Message = "Lambda API {Method} {Path} failed")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string method, string path);
}
