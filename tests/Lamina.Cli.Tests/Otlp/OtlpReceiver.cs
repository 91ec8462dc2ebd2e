using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lamina.Cli.Tests.Otlp;

/// <summary>
/// The peer of Lamina's OTLP exporter: an OTLP/HTTP receiver on 127.0.0.1 (port 0) accepting protobuf
/// ExportTraceServiceRequests on POST /v1/traces, decoding every span it is sent.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<OtlpSpan> _spans = new();
    private int _requests;

    private OtlpReceiver(WebApplication app) => _app = app;

    /// <summary>Every span received so far.</summary>
    public IReadOnlyCollection<OtlpSpan> Spans => _spans;

    /// <summary>Export requests received (each a protobuf body).</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Requests that were not POST application/x-protobuf to /v1/traces, or did not decode.</summary>
    public ConcurrentQueue<string> Rejected { get; } = new();

    public Uri BaseAddress
    {
        get
        {
            var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new Uri(address);
        }
    }

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/traces", async (HttpContext c) =>
        {
            using var body = new MemoryStream();
            await c.Request.Body.CopyToAsync(body);
            if (c.Request.ContentType != "application/x-protobuf")
            {
                receiver.Rejected.Enqueue("content type " + c.Request.ContentType);
                return Results.StatusCode(415);
            }
            try
            {
                foreach (var span in OtlpTraceDecoder.Decode(body.ToArray())) receiver._spans.Enqueue(span);
            }
            catch (FormatException e)
            {
                receiver.Rejected.Enqueue(e.Message);
                return Results.BadRequest();
            }
            Interlocked.Increment(ref receiver._requests);
            // An empty ExportTraceServiceResponse: full success.
            return Results.Bytes([], "application/x-protobuf");
        });
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
