using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

// Two tools in one: "echo PORT" serves a Kestrel echo of any POST body (the loopback floor);
// "load URL CLIENTS SECONDS PAYLOAD_BYTES" drives POSTs with keep-alive and prints
// one line: clients, requests/s, p50 and p99 in microseconds.
if (args is ["echo", var portText])
{
    var builder = WebApplication.CreateSlimBuilder();
    builder.Logging.ClearProviders();
    builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, int.Parse(portText, CultureInfo.InvariantCulture)));
    var app = builder.Build();
    app.MapPost("/{**path}", async (HttpContext context) =>
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body.GetBuffer().AsMemory(0, (int)body.Length));
    });
    await app.RunAsync();
    return 0;
}
if (args is not ["load", var url, var clientsText, var secondsText, var payloadText])
{
    Console.Error.WriteLine("usage: echo PORT | load URL CLIENTS SECONDS PAYLOAD_BYTES");
    return 2;
}
var clients = int.Parse(clientsText, CultureInfo.InvariantCulture);
var seconds = double.Parse(secondsText, CultureInfo.InvariantCulture);
var payload = new byte[int.Parse(payloadText, CultureInfo.InvariantCulture)];
Array.Fill(payload, (byte)'a');
payload[0] = (byte)'"';
payload[^1] = (byte)'"';
using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients, UseProxy = false };
using var http = new HttpClient(handler);
var uri = new Uri(url);

async Task<List<long>> ClientAsync(DateTime warmEnd, DateTime end)
{
    var samples = new List<long>(100_000);
    while (DateTime.UtcNow < end)
    {
        var start = Stopwatch.GetTimestamp();
        using var content = new ByteArrayContent(payload);
        using var response = await http.PostAsync(uri, content);
        var body = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode || body.Length != payload.Length)
        {
            throw new InvalidOperationException($"bad answer {(int)response.StatusCode} ({body.Length} bytes)");
        }
        if (DateTime.UtcNow >= warmEnd)
        {
            samples.Add(Stopwatch.GetTimestamp() - start);
        }
    }
    return samples;
}

var warm = DateTime.UtcNow.AddSeconds(1);
var stop = warm.AddSeconds(seconds);
var all = (await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(() => ClientAsync(warm, stop))))).SelectMany(s => s).ToArray();
Array.Sort(all);
double Micros(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"clients={clients} requests={all.Length} rps={all.Length / seconds:F0} p50_us={Micros(all[all.Length / 2]):F0} p99_us={Micros(all[(int)(all.Length * 0.99)]):F0}"));
return 0;
