using System.Net;
using System.Net.Sockets;
using Lamina.Registry.Distribution;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;

namespace Lamina.Registry.Tests.Distribution;

/// <summary>
/// <see cref="BatchedBodyStream"/>: the socket's low-water mark is raised only while enough of the body is still
/// to come, put back to 1 byte for the tail and on dispose, and requests it cannot serve safely are left alone.
/// </summary>
public class BatchedBodyStreamTests
{
    private const int SolSocket = 1, SoRcvLowat = 18;
    private static readonly long Headroom = (1 << 20) + (1 << 20) + 2 * LargeBlockMemoryPool.BlockSize + BatchedBodyStream.LowWater;

    [Fact]
    public async Task The_mark_is_raised_while_enough_body_is_to_come_and_lowered_for_the_tail_and_on_dispose()
    {
        using var pair = await SocketPair.CreateAsync();
        var bytes = new byte[5 << 20];
        new Random(3).NextBytes(bytes);
        var ctx = Context(pair.Server, new MemoryStream(bytes), bytes.Length);

        var stream = BatchedBodyStream.TryWrap(ctx);
        Assert.NotNull(stream);
        Assert.Equal(BatchedBodyStream.LowWater, LowWater(pair.Server));
        var copy = new MemoryStream();
        var buffer = new byte[100_000];
        long consumed = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            copy.Write(buffer, 0, read);
            consumed += read;
            var expected = bytes.Length - consumed >= Headroom ? BatchedBodyStream.LowWater : 1;
            Assert.True(expected == LowWater(pair.Server), $"after {consumed} of {bytes.Length} bytes the mark is {LowWater(pair.Server)}, expected {expected}");
        }
        Assert.Equal(bytes, copy.ToArray());
        Assert.False(stream.IsRaised);

        // Disposed half-way (a failed upload): the mark goes back to 1 so the connection's next request is not held.
        var again = BatchedBodyStream.TryWrap(Context(pair.Server, new MemoryStream(bytes), bytes.Length))!;
        Assert.Equal(BatchedBodyStream.LowWater, LowWater(pair.Server));
        Assert.True(await again.ReadAsync(buffer) > 0);
        again.Dispose();
        Assert.Equal(1, LowWater(pair.Server));
    }

    [Fact]
    public async Task Requests_that_cannot_be_batched_safely_read_the_body_as_it_is()
    {
        using var pair = await SocketPair.CreateAsync();
        var big = 8L << 20;
        Assert.NotNull(BatchedBodyStream.TryWrap(Context(pair.Server, Stream.Null, big)));

        Assert.Null(BatchedBodyStream.TryWrap(Context(pair.Server, Stream.Null, null)));             // chunked: length unknown
        Assert.Null(BatchedBodyStream.TryWrap(Context(pair.Server, Stream.Null, 2 << 20)));          // too short to gain anything
        Assert.Null(BatchedBodyStream.TryWrap(Context(pair.Server, Stream.Null, big, https: true))); // TLS bytes are not body bytes
        Assert.Null(BatchedBodyStream.TryWrap(Context(pair.Server, Stream.Null, big, protocol: "HTTP/2")));
        Assert.Null(BatchedBodyStream.TryWrap(Context(pair.Server, Stream.Null, big, bufferLimit: null))); // read-ahead unbounded
        Assert.Null(BatchedBodyStream.TryWrap(Context(pair.Server, Stream.Null, big, transportLimit: null)));
        Assert.Null(BatchedBodyStream.TryWrap(Context(null, Stream.Null, big)));                     // not a socket connection
    }

    private static int LowWater(Socket socket)
    {
        var value = new byte[4];
        socket.GetRawSocketOption(SolSocket, SoRcvLowat, value);
        return BitConverter.ToInt32(value);
    }

    private static DefaultHttpContext Context(Socket? socket, Stream body, long? length, bool https = false, string protocol = "HTTP/1.1", long? bufferLimit = 1 << 20, long? transportLimit = 1 << 20)
    {
        var services = new ServiceCollection()
            .Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBufferSize = bufferLimit)
            .Configure<SocketTransportOptions>(o => o.MaxReadBufferSize = transportLimit)
            .BuildServiceProvider();
        var ctx = new DefaultHttpContext { RequestServices = services };
        ctx.Request.Protocol = protocol;
        ctx.Request.IsHttps = https;
        ctx.Request.ContentLength = length;
        ctx.Request.Body = body;
        if (socket is not null) ctx.Features.Set<IConnectionSocketFeature>(new SocketFeature(socket));
        return ctx;
    }

    private sealed class SocketFeature(Socket socket) : IConnectionSocketFeature
    {
        public Socket Socket { get; } = socket;
    }

    /// <summary>A connected TCP pair on loopback; <see cref="Server"/> is the accepted end.</summary>
    private sealed class SocketPair : IDisposable
    {
        private SocketPair(Socket client, Socket server) { Client = client; Server = server; }

        public Socket Client { get; }
        public Socket Server { get; }

        public static async Task<SocketPair> CreateAsync()
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(listener.LocalEndPoint!);
            return new SocketPair(client, await listener.AcceptAsync());
        }

        public void Dispose()
        {
            Client.Dispose();
            Server.Dispose();
        }
    }
}
