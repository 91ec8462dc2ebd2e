using System.Net.Sockets;
using System.Text;

namespace Lamina.Environments.Tests;

/// <summary>
/// What answers on the control socket lives in the sandbox (a function could replace its agent), so the host's
/// client refuses answers that claim more than it will hold, before allocating anything.
/// </summary>
public sealed class ControlClientTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lamina-fake-agent-").FullName;

    private string SocketPath => Path.Combine(_dir, "control.sock");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(0x7f, 0xff, 0xff, 0xff)] // 2 GiB - 1
    [InlineData(0xff, 0xff, 0xff, 0xff)] // negative
    [InlineData(0x01, 0x40, 0x00, 0x01)] // one byte over 20 MiB
    public async Task A_streamed_frame_longer_than_the_limit_is_an_IOException(byte b0, byte b1, byte b2, byte b3)
    {
        var frame = new byte[] { (byte)'D', b0, b1, b2, b3 };
        var head = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.lamina.frames\r\nContent-Length: {frame.Length}\r\n\r\n");
        var agent = FakeAgentAsync([.. head, .. frame]);
        using var client = new ControlClient(SocketPath);
        var pieces = 0;
        var e = await Assert.ThrowsAsync<IOException>(() => client.InvokeStreamingAsync("f", new byte[] { 1 }, "r1",
            (_, _) => { pieces++; return ValueTask.CompletedTask; }, CancellationToken.None));
        Assert.StartsWith("frame of ", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, pieces);
        await agent;
    }

    [Fact]
    public async Task A_buffered_answer_longer_than_the_limit_is_refused_by_its_length()
    {
        var agent = FakeAgentAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {ControlClient.MaxAnswerBytes + 1}\r\n\r\n"));
        using var client = new ControlClient(SocketPath);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.InvokeAsync("f", new byte[] { 1 }, "r2", CancellationToken.None));
        await agent;
    }

    [Fact]
    public async Task A_whole_answer_keeps_its_status_error_header_and_request_id()
    {
        var body = """{"errorType":"X"}""";
        var agent = FakeAgentAsync(Encoding.ASCII.GetBytes(
            $"HTTP/1.1 200 OK\r\nX-Amz-Function-Error: Unhandled\r\nX-Amzn-RequestId: r3\r\nContent-Length: {body.Length}\r\n\r\n{body}"));
        using var client = new ControlClient(SocketPath);
        var result = await client.InvokeAsync("f", new byte[] { 1 }, "r3", CancellationToken.None);
        Assert.Equal((200, "Unhandled", "r3", body), (result.StatusCode, result.FunctionError, result.RequestId, result.PayloadText));
        await agent;
    }

    [Fact]
    public async Task Each_invoke_goes_to_its_functions_path_when_the_name_changes_between_invokes()
    {
        var answer = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
        var agent = FakeAgentAsync(answer, connections: 3);
        using var client = new ControlClient(SocketPath);
        foreach (var name in new[] { "f", "f", "g:1 é" })
            Assert.Equal(200, (await client.InvokeAsync(name, new byte[] { 1 }, "r4", CancellationToken.None)).StatusCode);
        var heads = await agent;
        Assert.Equal(new[] { "POST /2015-03-31/functions/f/invocations HTTP/1.1", "POST /2015-03-31/functions/f/invocations HTTP/1.1",
            "POST /2015-03-31/functions/g%3A1%20%C3%A9/invocations HTTP/1.1" }, heads.Select(h => h[..h.IndexOf('\r', StringComparison.Ordinal)]));
    }

    /// <summary>Listens on the socket; per connection (one after another) reads one request's head and answers
    /// <paramref name="answer"/> verbatim, then closes. Returns the heads.</summary>
    private Task<List<string>> FakeAgentAsync(byte[] answer, int connections = 1)
    {
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        listener.Listen(1);
        return Task.Run(async () =>
        {
            var heads = new List<string>();
            using (listener)
            {
                for (var i = 0; i < connections; i++)
                {
                    using var connection = await listener.AcceptAsync();
                    var buffer = new byte[64 << 10];
                    var seen = "";
                    while (!seen.Contains("\r\n\r\n", StringComparison.Ordinal))
                    {
                        var n = await connection.ReceiveAsync(buffer);
                        if (n == 0) break;
                        seen += Encoding.ASCII.GetString(buffer, 0, n);
                    }
                    heads.Add(seen);
                    await connection.SendAsync(answer);
                    connection.Shutdown(SocketShutdown.Send);
                }
            }
            return heads;
        });
    }
}
