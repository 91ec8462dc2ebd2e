using System.Net;
using System.Net.Sockets;
using System.Text;
using Lamina.Agent.Http;

namespace Lamina.Agent.Tests.Http;

/// <summary>The hand-written HTTP/1.1 server, driven over raw sockets so framing is exact.</summary>
public sealed class HttpServerTests
{
    /// <summary>Echoes method, path, body length, a header and a trailer; flags oversized bodies.</summary>
    private sealed class EchoHandler : IHttpHandler
    {
        public ValueTask<HttpResponse> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
        {
            if (request.BodyTooLarge)
            {
                return ValueTask.FromResult(new HttpResponse(413, "too large"u8.ToArray()));
            }
            var text = $"{request.Method} {request.Path} q={request.Query} x={request.Header("x-test")} t={request.Trailer("X-Trailer")} body={Encoding.UTF8.GetString(request.Body)}";
            return ValueTask.FromResult(new HttpResponse(200, Encoding.UTF8.GetBytes(text), "text/plain").With("X-Extra", "1"));
        }
    }

    private static async Task<(HttpServer Server, Socket Client)> StartAsync(long maxBody = 1024)
    {
        var server = HttpServer.Start(new IPEndPoint(IPAddress.Loopback, 0), new EchoHandler(), new HttpLimits(maxBody, MaxDrainBytes: 4096, MaxLineBytes: 512, MaxHeaderCount: 10));
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(server.LocalEndPoint);
        return (server, client);
    }

    /// <summary>Reads until the peer closes or <paramref name="responses"/> complete responses arrived.</summary>
    private static async Task<string> ReadAsync(Socket client, int responses)
    {
        var text = new StringBuilder();
        var buffer = new byte[65536];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (CountComplete(text.ToString()) < responses)
        {
            var read = await client.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (read == 0)
            {
                break;
            }
            text.Append(Encoding.Latin1.GetString(buffer, 0, read));
        }
        return text.ToString();
    }

    private static int CountComplete(string text)
    {
        var count = 0;
        var index = 0;
        while (true)
        {
            var head = text.IndexOf("\r\n\r\n", index, StringComparison.Ordinal);
            if (head < 0)
            {
                return count;
            }
            var lengthAt = text.IndexOf("Content-Length: ", index, StringComparison.Ordinal);
            var length = int.Parse(text.AsSpan(lengthAt + 16, text.IndexOf('\r', lengthAt) - lengthAt - 16), System.Globalization.CultureInfo.InvariantCulture);
            if (text.Length < head + 4 + length)
            {
                return count;
            }
            count++;
            index = head + 4 + length;
        }
    }

    private static async Task SendAsync(Socket client, string text) => await client.SendAsync(Encoding.Latin1.GetBytes(text), SocketFlags.None);

    [Fact]
    public async Task Keep_alive_serves_several_requests_on_one_connection_including_a_chunked_body_with_trailers()
    {
        var (server, client) = await StartAsync();
        await using var _ = server;
        using var __ = client;

        await SendAsync(client, "POST /a?k=v HTTP/1.1\r\nHost: x\r\nX-Test: one\r\nContent-Length: 5\r\n\r\nhello");
        await SendAsync(client, "POST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\nA\r\n0123456789\r\n0\r\nX-Trailer: tv\r\n\r\n");
        await SendAsync(client, "GET /c HTTP/1.1\r\n\r\n");
        var text = await ReadAsync(client, 3);

        Assert.StartsWith("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Extra: 1\r\nContent-Length: 33\r\n\r\nPOST /a q=k=v x=one t= body=hello", text, StringComparison.Ordinal);
        Assert.Contains("POST /b q= x= t=tv body=abc0123456789", text, StringComparison.Ordinal);
        Assert.Contains("GET /c q= x= t= body=", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expect_100_continue_gets_the_go_ahead_before_the_body()
    {
        var (server, client) = await StartAsync();
        await using var _ = server;
        using var __ = client;

        await SendAsync(client, "POST /e HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
        var interim = new byte[64];
        var read = await client.ReceiveAsync(interim, SocketFlags.None);
        await SendAsync(client, "xyz");
        var text = await ReadAsync(client, 1);

        Assert.Equal("HTTP/1.1 100 Continue\r\n\r\n", Encoding.ASCII.GetString(interim, 0, read));
        Assert.Contains("body=xyz", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("BROKEN\r\n\r\n", "400")]
    [InlineData("GET /x HTTP/1.1\r\nNoColonHere\r\n\r\n", "400")]
    [InlineData("GET /x HTTP/1.1\r\nContent-Length: -4\r\n\r\n", "400")]
    [InlineData("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n", "400")]
    [InlineData("POST /x HTTP/1.1\r\nContent-Length: 999999\r\n\r\n", "413")]
    public async Task Malformed_requests_get_one_clear_error_and_the_connection_closes(string request, string status)
    {
        var (server, client) = await StartAsync();
        await using var _ = server;
        using var __ = client;

        await SendAsync(client, request);
        var text = await ReadAsync(client, 2);

        Assert.StartsWith($"HTTP/1.1 {status} ", text, StringComparison.Ordinal);
        Assert.Contains("Connection: close", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Too_long_header_line_gets_431()
    {
        var (server, client) = await StartAsync();
        await using var _ = server;
        using var __ = client;

        await SendAsync(client, "GET /x HTTP/1.1\r\nX-Long: " + new string('a', 2000) + "\r\n\r\n");
        var text = await ReadAsync(client, 1);

        Assert.StartsWith("HTTP/1.1 431 ", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Oversized_body_within_the_drain_limit_reaches_the_handler_as_too_large_and_the_connection_stays_usable()
    {
        var (server, client) = await StartAsync(maxBody: 10);
        await using var _ = server;
        using var __ = client;

        await SendAsync(client, "POST /big HTTP/1.1\r\nContent-Length: 20\r\n\r\n" + new string('b', 20));
        await SendAsync(client, "POST /big HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n14\r\n" + new string('c', 20) + "\r\n0\r\n\r\n");
        await SendAsync(client, "POST /small HTTP/1.1\r\nContent-Length: 2\r\n\r\nok");
        var text = await ReadAsync(client, 3);

        Assert.Equal(2, text.Split("HTTP/1.1 413 ").Length - 1);
        Assert.Contains("body=ok", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connection_close_and_http_1_0_close_after_the_response()
    {
        var (server, client) = await StartAsync();
        await using var _ = server;
        using var __ = client;

        await SendAsync(client, "GET /x HTTP/1.0\r\n\r\n");
        var text = await ReadAsync(client, 5);

        Assert.Single(text.Split("HTTP/1.1 200").Skip(1));
        Assert.Contains("Connection: close", text, StringComparison.Ordinal);
    }
}
