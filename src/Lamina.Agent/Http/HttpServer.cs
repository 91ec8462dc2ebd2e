using System.Net;
using System.Net.Sockets;

namespace Lamina.Agent.Http;

/// <summary>
/// A minimal HTTP/1.1 server on one TCP endpoint: one task per connection, keep-alive,
/// Content-Length and chunked request bodies. Chosen over Kestrel to keep the agent's memory
/// and start-up time small (see docs/agent.md for the measurements).
/// </summary>
internal sealed class HttpServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;

    private readonly Func<Socket, bool>? _admit;

    private HttpServer(Socket listener, IHttpHandler handler, HttpLimits limits, Func<Socket, bool>? admit)
    {
        _listener = listener;
        _admit = admit;
        LocalEndPoint = listener.LocalEndPoint!;
        _acceptLoop = AcceptAsync(handler, limits);
    }

    /// <summary>The bound endpoint: an <see cref="IPEndPoint"/> (the real port when 0 was asked for)
    /// or a <see cref="UnixDomainSocketEndPoint"/>.</summary>
    public EndPoint LocalEndPoint { get; }

    /// <summary>Binds a TCP or Unix domain socket endpoint and starts accepting. When <paramref name="admit"/> is
    /// given, each accepted connection it returns false for is closed at once, before a byte is read; it runs on the
    /// thread pool, never on the accept loop, so it may block without delaying the next accept.</summary>
    /// <exception cref="SocketException">The endpoint cannot be bound (in use, no permission).</exception>
    public static HttpServer Start(EndPoint endpoint, IHttpHandler handler, HttpLimits limits, Func<Socket, bool>? admit = null)
    {
        var unix = endpoint is UnixDomainSocketEndPoint;
        var listener = new Socket(endpoint.AddressFamily, SocketType.Stream, unix ? ProtocolType.Unspecified : ProtocolType.Tcp);
        try
        {
            if (!unix)
            {
                listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            }
            listener.Bind(endpoint);
            listener.Listen(512);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        return new HttpServer(listener, handler, limits, admit);
    }

    private async Task AcceptAsync(IHttpHandler handler, HttpLimits limits)
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                if (token.IsCancellationRequested)
                {
                    return;
                }
                continue;
            }
            // Nothing but accepting runs on this loop: with inline socket completions (Program.cs) it runs on the
            // epoll thread that every socket of the agent shares, so anything slow here (a refusal's log line blocks
            // while stderr's pipe is full) would freeze the Runtime API and every connection with it.
            _ = Task.Run(() => ServeAsync(socket, handler, limits, token), CancellationToken.None);
        }
    }

    private async Task ServeAsync(Socket socket, IHttpHandler handler, HttpLimits limits, CancellationToken token)
    {
        if (_admit is not null && !_admit(socket))
        {
            socket.Dispose();
            return;
        }
        if (socket.ProtocolType == ProtocolType.Tcp)
        {
            socket.NoDelay = true;
        }
        await new HttpConnection(socket, handler, limits).RunAsync(token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _acceptLoop;
        _stop.Dispose();
    }
}
