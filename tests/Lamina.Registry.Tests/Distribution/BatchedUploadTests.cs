using System.Net.Sockets;
using System.Text;
using Lamina.Oci;
using Lamina.Registry.Distribution;

namespace Lamina.Registry.Tests.Distribution;

/// <summary>
/// Uploads through a raw keep-alive connection to a real server, written so that a wrong low-water mark
/// (<see cref="BatchedBodyStream"/>) would hang: the body's tail is smaller than the mark and comes after a pause,
/// and the next request on the same connection is a few hundred bytes. Each read has a generous deadline, so a
/// hang fails the test with a message instead of blocking the run.
/// </summary>
public class BatchedUploadTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    [Theory]
    [InlineData(100_000)]                        // tail well inside the lowered stretch
    [InlineData(BatchedBodyStream.LowWater - 1)] // tail just under the mark
    public async Task A_patch_whose_tail_arrives_late_completes_and_the_connection_serves_the_next_requests(int tail)
    {
        await using var server = await RegistryServer.StartAsync();
        var bytes = new byte[(6 << 20) + 12_345];
        new Random(tail).NextBytes(bytes);
        var digest = Digest.Compute(bytes);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server.Host.BaseAddress.Host, server.Host.BaseAddress.Port);
        await using var stream = new NetworkStream(socket);

        var (status, headers) = await SendAsync(stream, "POST /v2/lowat/blobs/uploads/ HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n");
        Assert.Equal(202, status);
        var location = headers["location"];

        await WriteAsync(stream, $"PATCH {location} HTTP/1.1\r\nHost: t\r\nContent-Type: application/octet-stream\r\nContent-Length: {bytes.Length}\r\n\r\n");
        // The body in 64 KiB writes with small pauses (a slow client), then the tail after a longer one.
        var head = bytes.Length - tail;
        for (var sent = 0; sent < head; sent += 64 * 1024)
        {
            await stream.WriteAsync(bytes.AsMemory(sent, Math.Min(64 * 1024, head - sent)));
            if (sent % (1 << 20) == 0) await Task.Delay(20);
        }
        await Task.Delay(300);
        await stream.WriteAsync(bytes.AsMemory(head));
        (status, headers) = await ReadResponseAsync(stream);
        Assert.Equal(202, status);
        Assert.Equal($"0-{bytes.Length - 1}", headers["range"]);

        (status, _) = await SendAsync(stream, $"PUT {location}?digest={digest} HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n");
        Assert.Equal(201, status);
        (status, _) = await SendAsync(stream, "GET /v2/ HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Equal(200, status);

        using var get = await server.Http.GetAsync($"/v2/lowat/blobs/{digest}");
        Assert.Equal(bytes, await get.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_monolithic_push_over_the_same_connection_as_a_small_one_stores_both()
    {
        await using var server = await RegistryServer.StartAsync();
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server.Host.BaseAddress.Host, server.Host.BaseAddress.Port);
        await using var stream = new NetworkStream(socket);
        foreach (var size in new[] { (5 << 20) + 1, 10, (3 << 20) + 7 })
        {
            var bytes = new byte[size];
            new Random(size).NextBytes(bytes);
            await WriteAsync(stream, $"POST /v2/mono/blobs/uploads/?digest={Digest.Compute(bytes)} HTTP/1.1\r\nHost: t\r\nContent-Length: {size}\r\n\r\n");
            await stream.WriteAsync(bytes);
            var (status, _) = await ReadResponseAsync(stream);
            Assert.Equal(201, status);
        }
    }

    private static async Task<(int Status, Dictionary<string, string> Headers)> SendAsync(NetworkStream stream, string request)
    {
        await WriteAsync(stream, request);
        return await ReadResponseAsync(stream);
    }

    private static Task WriteAsync(NetworkStream stream, string text) => stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask();

    /// <summary>Reads one response (headers and a Content-Length body); fails when nothing complete arrives within <see cref="Deadline"/>.</summary>
    private static async Task<(int Status, Dictionary<string, string> Headers)> ReadResponseAsync(NetworkStream stream)
    {
        using var cts = new CancellationTokenSource(Deadline);
        var received = new List<byte>();
        var one = new byte[1];
        try
        {
            while (received.Count < 4 || !(received[^4] == '\r' && received[^3] == '\n' && received[^2] == '\r' && received[^1] == '\n'))
            {
                if (await stream.ReadAsync(one, cts.Token) == 0) Assert.Fail("the server closed the connection");
                received.Add(one[0]);
            }
            var lines = Encoding.ASCII.GetString(received.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim());
            if (headers.TryGetValue("content-length", out var length) && int.Parse(length) is > 0 and var n)
            {
                await stream.ReadExactlyAsync(new byte[n], cts.Token);
            }
            return (int.Parse(lines[0].Split(' ')[1]), headers);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"no complete response within {Deadline.TotalMinutes} minutes (a body byte or the next request held back by the socket's low-water mark?)");
            throw;
        }
    }
}
