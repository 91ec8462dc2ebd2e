using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Lamina.Registry.Tests.Distribution;

/// <summary>
/// Whole large blobs leave through sendfile(2) on a connection the handler takes over from Kestrel: the body
/// must be exact for fast, slow and vanishing readers, the headers must be the ordinary path's, and the server
/// must stay healthy for everyone else. The servers here name <see cref="BlobSendMode.SendFile"/> (the default) so the
/// tests keep covering sendfile if the default changes (BlobSendModeTests cover the other modes).
/// </summary>
public class ZeroCopyBlobTests
{
    private const int Size = (8 << 20) + 4321;

    private static byte[] Pattern(int seed) => TestBlobs.Pattern(Size, seed);

    [Fact]
    public async Task A_whole_large_blob_comes_back_exact_with_the_registry_headers_and_the_connection_closed()
    {
        await using var server = await RegistryServer.StartAsync(o => o.BlobSend = BlobSendMode.SendFile);
        var bytes = Pattern(1);
        var digest = await server.PushBlobAsync("r", bytes);

        for (var i = 0; i < 3; i++)
        {
            using var get = await server.Http.GetAsync($"/v2/r/blobs/{digest}");
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal(Size, get.Content.Headers.ContentLength);
            Assert.Equal("application/octet-stream", get.Content.Headers.ContentType!.MediaType);
            Assert.Equal(digest.ToString(), get.Headers.GetValues("Docker-Content-Digest").Single());
            Assert.Equal("registry/2.0", get.Headers.GetValues("Docker-Distribution-API-Version").Single());
            Assert.Equal($"\"{digest}\"", get.Headers.ETag!.Tag);
            Assert.True(get.Headers.ConnectionClose, "the taken-over connection must announce that it closes");
            Assert.Equal(bytes, await get.Content.ReadAsByteArrayAsync());
        }

        // Small blobs keep the ordinary keep-alive path.
        var small = await server.PushBlobAsync("r", Encoding.UTF8.GetBytes("small"));
        using var smallGet = await server.Http.GetAsync($"/v2/r/blobs/{small}");
        Assert.NotEqual(true, smallGet.Headers.ConnectionClose);
        Assert.Equal("small", await smallGet.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_slow_reader_gets_every_byte()
    {
        await using var server = await RegistryServer.StartAsync(o => o.BlobSend = BlobSendMode.SendFile);
        var bytes = Pattern(2);
        var digest = await server.PushBlobAsync("r", bytes);

        // A raw client that reads in small bites with pauses: the server's socket buffer fills and sendfile
        // must wait (EAGAIN) rather than give up or cut the body short.
        using var client = new TcpClient();
        client.ReceiveBufferSize = 16 * 1024;
        await client.ConnectAsync(server.Host.BaseAddress.Host, server.Host.BaseAddress.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET /v2/r/blobs/{digest} HTTP/1.1\r\nHost: x\r\n\r\n"));
        using var received = new MemoryStream();
        var buffer = new byte[32 * 1024];
        int n;
        var reads = 0;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            received.Write(buffer, 0, n);
            if (++reads % 16 == 0) await Task.Delay(5);
        }
        var all = received.ToArray();
        var split = all.AsSpan().IndexOf("\r\n\r\n"u8);
        var head = Encoding.ASCII.GetString(all, 0, split);
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", head, StringComparison.Ordinal);
        Assert.Contains($"Content-Length: {Size}", head, StringComparison.Ordinal);
        Assert.Equal(bytes, all.AsSpan(split + 4).ToArray());
    }

    [Fact]
    public async Task A_reader_that_vanishes_mid_body_leaves_the_server_serving_others()
    {
        await using var server = await RegistryServer.StartAsync(o => o.BlobSend = BlobSendMode.SendFile);
        var bytes = Pattern(3);
        var digest = await server.PushBlobAsync("r", bytes);

        for (var i = 0; i < 5; i++)
        {
            using var client = new TcpClient();
            await client.ConnectAsync(server.Host.BaseAddress.Host, server.Host.BaseAddress.Port);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET /v2/r/blobs/{digest} HTTP/1.1\r\nHost: x\r\n\r\n"));
            var buffer = new byte[64 * 1024];
            Assert.True(await stream.ReadAsync(buffer) > 0);
            client.Client.LingerState = new LingerOption(true, 0); // close with RST mid-body
        }

        using var get = await server.Http.GetAsync($"/v2/r/blobs/{digest}");
        Assert.Equal(bytes, await get.Content.ReadAsByteArrayAsync());
        using var catalog = await server.Http.GetAsync("/v2/_catalog");
        Assert.Equal(HttpStatusCode.OK, catalog.StatusCode);
    }

    [Fact]
    public async Task Range_and_HEAD_on_a_large_blob_keep_the_ordinary_path()
    {
        await using var server = await RegistryServer.StartAsync(o => o.BlobSend = BlobSendMode.SendFile);
        var bytes = Pattern(4);
        var digest = await server.PushBlobAsync("r", bytes);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/r/blobs/{digest}");
        request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(100, 199);
        using var partial = await server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(bytes.AsSpan(100, 100).ToArray(), await partial.Content.ReadAsByteArrayAsync());

        using var head = await server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/r/blobs/{digest}"));
        Assert.Equal(Size, head.Content.Headers.ContentLength);
        Assert.NotEqual(true, head.Headers.ConnectionClose);
    }
}
