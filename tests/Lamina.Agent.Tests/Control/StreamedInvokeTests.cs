using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace Lamina.Agent.Tests.Control;

/// <summary>Streamed invokes over the control channel (<c>Lamina-Response-Stream: 1</c>, docs/agent-protocol.md).</summary>
public sealed class StreamedInvokeTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lamina-stream-").FullName;
    private AgentProcess? _agent;
    private HttpClient? _control;

    private string SocketPath => Path.Combine(_dir, "control.sock");

    public async Task InitializeAsync()
    {
        _agent = await AgentProcess.StartAsync(
            [Tools.Python(), Path.Combine(AppContext.BaseDirectory, "fixtures", "stream_runtime.py")],
            flags: ["--runtime-api-address", "127.0.0.1:0", "--control-socket", SocketPath]);
        _control = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        })
        { BaseAddress = new Uri("http://agent/"), Timeout = TimeSpan.FromMinutes(2) };
    }

    public async Task DisposeAsync()
    {
        _control?.Dispose();
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
        }
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<(HttpResponseMessage Response, Stream Body)> InvokeAsync(string eventJson, bool streamed = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "2015-03-31/functions/function/invocations") { Content = new StringContent(eventJson, Encoding.UTF8) };
        if (streamed)
        {
            request.Headers.Add("Lamina-Response-Stream", "1");
        }
        var response = await _control!.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return (response, await response.Content.ReadAsStreamAsync());
    }

    private static async Task<(char Kind, byte[] Payload)> ReadFrameAsync(Stream body)
    {
        var head = new byte[5];
        await body.ReadExactlyAsync(head);
        var payload = new byte[BinaryPrimitives.ReadInt32BigEndian(head.AsSpan(1))];
        await body.ReadExactlyAsync(payload);
        return ((char)head[0], payload);
    }

    [Fact]
    public async Task The_first_piece_reaches_the_host_before_the_function_finishes()
    {
        var release = Path.Combine(_dir, "release");
        var (response, body) = await InvokeAsync($$"""{"pieces":["first ","second ","third"],"wait":"{{release}}"}""");
        using (response)
        {
            var first = await ReadFrameAsync(body);
            // The runtime is still blocked until the release file exists: this piece was passed on while it ran.
            Assert.False(File.Exists(release));
            Assert.Equal(('D', "first "), (first.Kind, Encoding.UTF8.GetString(first.Payload)));
            await File.WriteAllTextAsync(release, "");
            var rest = new StringBuilder();
            (char Kind, byte[] Payload) frame;
            while ((frame = await ReadFrameAsync(body)).Kind == 'D')
            {
                rest.Append(Encoding.UTF8.GetString(frame.Payload));
            }
            Assert.Equal("second third", rest.ToString());
            Assert.Equal('R', frame.Kind);
            Assert.Equal(200, BinaryPrimitives.ReadUInt16BigEndian(frame.Payload));
            Assert.Equal(0, frame.Payload[2]);
            Assert.Equal(-1, body.ReadByte());
        }
    }

    [Fact]
    public async Task A_failure_midway_ends_with_the_trailer_error_and_a_buffered_answer_is_one_piece()
    {
        var (failed, failedBody) = await InvokeAsync("""{"pieces":["partial"],"fail":"Function.Broke"}""");
        using (failed)
        {
            Assert.Equal(('D', "partial"), await ReadFrameAsync(failedBody) is var d ? (d.Kind, Encoding.UTF8.GetString(d.Payload)) : default);
            var end = await ReadFrameAsync(failedBody);
            Assert.Equal('R', end.Kind);
            Assert.Equal(1, end.Payload[2]);
            Assert.Contains("broke midway", Encoding.UTF8.GetString(end.Payload.AsSpan(3)), StringComparison.Ordinal);
        }

        var (buffered, bufferedBody) = await InvokeAsync("""{"buffered":"{\"whole\":true}"}""");
        using (buffered)
        {
            Assert.Equal(('D', """{"whole":true}"""), await ReadFrameAsync(bufferedBody) is var d ? (d.Kind, Encoding.UTF8.GetString(d.Payload)) : default);
            Assert.Equal('R', (await ReadFrameAsync(bufferedBody)).Kind);
        }

        // A plain (buffered) invoke of a streaming function gets the pieces joined, as Lambda's Invoke does.
        var (plain, plainBody) = await InvokeAsync("""{"pieces":["a","b","c"]}""", streamed: false);
        using (plain)
        {
            Assert.Equal("abc", await new StreamReader(plainBody).ReadToEndAsync());
        }
    }
}
