using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Lamina.Bench.Invoke;

/// <summary>
/// The peer: a plain Kestrel app on 127.0.0.1:0 whose POST /echo answers the request body wrapped as the
/// echo runtime wraps it ({"echo":BODY,"pid":P,"count":N}), so both sides move the same bytes.
/// </summary>
internal sealed class EchoServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _count;

    private EchoServer(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<EchoServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var server = new EchoServer(builder.Build());
        server._app.MapPost("/echo", server.HandleAsync);
        await server._app.StartAsync();
        server.BaseAddress = new Uri(server._app.Urls.First());
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var count = Interlocked.Increment(ref _count);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($"{{\"echo\":{body},\"pid\":{Environment.ProcessId},\"count\":{count}}}", context.RequestAborted);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
