using System.Net;
using System.Text.Json.Nodes;
using Lamina.Environments;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lamina.Cli.Run;

/// <summary>
/// The Invoke API on 127.0.0.1:PORT, as the Runtime Interface Emulator serves it:
/// <c>POST /2015-03-31/functions/{any name}/invocations</c> goes to the session's environment and its answer
/// (status, body, X-Amz-Function-Error, request id) comes back unchanged. Loopback only: it has no authentication.
/// </summary>
internal static class InvokeListener
{
    /// <summary>Largest synchronous event Lambda accepts (6 MB).</summary>
    private const long MaxPayload = 6 * 1024 * 1024;

    /// <summary>Starts listening; a port in use or refused is a <see cref="CliException"/> (usage, exit 2).</summary>
    public static async Task<WebApplication> StartAsync(int port, RunSession session, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = MaxPayload;
            k.Listen(IPAddress.Loopback, port);
        });
        var app = builder.Build();
        app.MapPost("/2015-03-31/functions/{name}/invocations", (HttpContext context) => InvokeAsync(context, session));
        try
        {
            await app.StartAsync(ct);
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            throw CliException.Usage($"cannot listen on 127.0.0.1:{port}: {e.Message}. Pick another host port with -p PORT:8080.");
        }
        return app;
    }

    private static async Task InvokeAsync(HttpContext context, RunSession session)
    {
        using var body = new MemoryStream();
        try
        {
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        }
        catch (BadHttpRequestException)
        {
            await ErrorAsync(context, 413, "RequestEntityTooLargeException", $"Request must be smaller than {MaxPayload} bytes for the Invoke operation");
            return;
        }
        var (result, error) = await session.InvokeAsync(body.ToArray(), context.RequestAborted);
        if (result is null)
        {
            await ErrorAsync(context, 502, error?.Code == EnvironmentErrorCode.Gone ? "ServiceException" : "Runtime.InitError", error?.Message ?? "no result");
            return;
        }
        context.Response.StatusCode = result.StatusCode;
        context.Response.ContentType = "application/json";
        if (result.FunctionError is { } functionError) context.Response.Headers["X-Amz-Function-Error"] = functionError;
        if (result.RequestId is { } id) context.Response.Headers["X-Amzn-RequestId"] = id;
        context.Response.Headers["X-Amz-Executed-Version"] = "$LATEST";
        await context.Response.Body.WriteAsync(result.Payload, context.RequestAborted);
    }

    private static async Task ErrorAsync(HttpContext context, int status, string type, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.Headers["X-Amzn-ErrorType"] = type;
        await context.Response.WriteAsync(new JsonObject { ["errorType"] = type, ["errorMessage"] = message }.ToJsonString());
    }
}
