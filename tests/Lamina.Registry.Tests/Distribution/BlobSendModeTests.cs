using System.Net;
using System.Net.Sockets;
using System.Text;
using Lamina.Registry.Distribution;
using Microsoft.Extensions.DependencyInjection;

namespace Lamina.Registry.Tests.Distribution;

/// <summary>
/// Whole large blobs take the copy path (kept-alive connection) or sendfile (connection closed) by
/// <see cref="RegistryOptions.BlobSend"/>; under Auto by how many downloads are in flight. Either way the body is exact.
/// </summary>
public class BlobSendModeTests
{
    private const int Size = (8 << 20) + 777;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private static byte[] Pattern(int seed) => TestBlobs.Pattern(Size, seed);

    [Fact]
    public async Task A_lone_download_under_Auto_is_copied_on_a_kept_alive_connection_that_answers_the_next_requests()
    {
        await using var server = await RegistryServer.StartAsync(o => o.BlobSend = BlobSendMode.Auto);
        var bytes = Pattern(11);
        var digest = await server.PushBlobAsync("r", bytes);

        using var client = new TcpClient();
        await client.ConnectAsync(server.Host.BaseAddress.Host, server.Host.BaseAddress.Port);
        var connection = new RawHttpConnection(client.GetStream());
        using var timeout = new CancellationTokenSource(Patience);

        var blob = await connection.SendAsync($"GET /v2/r/blobs/{digest} HTTP/1.1\r\nHost: x\r\n\r\n", timeout.Token);
        Assert.StartsWith("HTTP/1.1 200 ", blob.Head, StringComparison.Ordinal);
        Assert.Equal(Size, blob.ContentLength);
        Assert.Contains($"Docker-Content-Digest: {digest}", blob.Head, StringComparison.Ordinal);
        Assert.DoesNotContain("Connection: close", blob.Head, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(bytes, blob.Body);

        // The same connection goes on: a Range request, a HEAD (no body) and the base endpoint.
        var range = await connection.SendAsync($"GET /v2/r/blobs/{digest} HTTP/1.1\r\nHost: x\r\nRange: bytes=1048570-1048589\r\n\r\n", timeout.Token);
        Assert.StartsWith("HTTP/1.1 206 ", range.Head, StringComparison.Ordinal);
        Assert.Equal(bytes.AsSpan(1048570, 20).ToArray(), range.Body);
        var head = await connection.SendAsync($"HEAD /v2/r/blobs/{digest} HTTP/1.1\r\nHost: x\r\n\r\n", timeout.Token, bodyExpected: false);
        Assert.StartsWith("HTTP/1.1 200 ", head.Head, StringComparison.Ordinal);
        Assert.Equal(Size, head.ContentLength);
        var base_ = await connection.SendAsync("GET /v2/ HTTP/1.1\r\nHost: x\r\n\r\n", timeout.Token);
        Assert.StartsWith("HTTP/1.1 200 ", base_.Head, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forced_copy_serves_concurrent_downloads_exactly_and_keeps_every_connection()
    {
        await using var server = await RegistryServer.StartAsync(o => o.BlobSend = BlobSendMode.Copy);
        var bytes = Pattern(12);
        var digest = await server.PushBlobAsync("r", bytes);

        var gets = Enumerable.Range(0, 4).Select(async _ =>
        {
            using var get = await server.Http.GetAsync($"/v2/r/blobs/{digest}");
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal(Size, get.Content.Headers.ContentLength);
            Assert.NotEqual(true, get.Headers.ConnectionClose);
            Assert.Equal(bytes, await get.Content.ReadAsByteArrayAsync());
        });
        await Task.WhenAll(gets);
        Assert.Equal(0, server.Host.Services.GetRequiredService<BlobSendPolicy>().InFlight);
    }

    [Fact]
    public async Task Under_Auto_downloads_beyond_the_copy_limit_use_sendfile_and_copying_resumes_when_they_end()
    {
        await using var server = await RegistryServer.StartAsync(o => o.BlobSend = BlobSendMode.Auto);
        var bytes = Pattern(13);
        var digest = await server.PushBlobAsync("r", bytes);
        var policy = server.Host.Services.GetRequiredService<BlobSendPolicy>();

        // Readers that take the first bytes and then stop: their downloads stay in flight (the copy path waits
        // for socket space) until the sockets close.
        var stalled = new List<TcpClient>();
        try
        {
            for (var i = 0; i < policy.CopyLimit; i++)
            {
                var client = new TcpClient();
                stalled.Add(client);
                await client.ConnectAsync(server.Host.BaseAddress.Host, server.Host.BaseAddress.Port);
                await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes($"GET /v2/r/blobs/{digest} HTTP/1.1\r\nHost: x\r\n\r\n"));
                Assert.True(await client.GetStream().ReadAsync(new byte[4096]) > 0);
            }
            await WaitForAsync(() => policy.InFlight == policy.CopyLimit, $"the {policy.CopyLimit} stalled downloads to be counted", () => policy.InFlight);

            using var busy = await server.Http.GetAsync($"/v2/r/blobs/{digest}");
            Assert.True(busy.Headers.ConnectionClose, "beyond the copy limit a download goes out with sendfile on a closed connection");
            Assert.Equal(bytes, await busy.Content.ReadAsByteArrayAsync());
        }
        finally
        {
            foreach (var client in stalled)
            {
                client.Client.LingerState = new LingerOption(true, 0);
                client.Dispose();
            }
        }

        await WaitForAsync(() => policy.InFlight == 0, "the abandoned downloads to end", () => policy.InFlight);
        using var lone = await server.Http.GetAsync($"/v2/r/blobs/{digest}");
        Assert.NotEqual(true, lone.Headers.ConnectionClose);
        Assert.Equal(bytes, await lone.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task By_default_a_lone_download_goes_out_with_sendfile()
    {
        await using var server = await RegistryServer.StartAsync();
        var bytes = Pattern(14);
        var digest = await server.PushBlobAsync("r", bytes);
        using var get = await server.Http.GetAsync($"/v2/r/blobs/{digest}");
        Assert.True(get.Headers.ConnectionClose, "SendFile is the default: the taken-over connection closes");
        Assert.Equal(bytes, await get.Content.ReadAsByteArrayAsync());
    }

    private static async Task WaitForAsync(Func<bool> condition, string what, Func<int> observed)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"gave up waiting for {what} after {Patience}; in flight: {observed()}");
            await Task.Delay(20);
        }
    }
}
