using System.Net.Sockets;

namespace Lamina.Environments;

/// <summary>
/// Connects a stream to the agent's Unix control socket, for <see cref="SocketsHttpHandler.ConnectCallback"/>.
/// The one copy: tests/Lamina.Agent.Tests compiles this file in as a link (it has no reference to this project).
/// </summary>
internal static class UnixSocketConnector
{
    /// <summary>How long a full listen queue is waited out before the connect fails.</summary>
    private static readonly TimeSpan RetryWindow = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Connects to <paramref name="socketPath"/>. A non-blocking connect(2) to a Unix socket fails with EAGAIN (which
    /// .NET reports as WouldBlock or AddressNotAvailable) when the listener's queue is momentarily full; unlike TCP it
    /// is not "in progress" and must simply be tried again, so it is, for up to <see cref="RetryWindow"/> (10 ms apart
    /// at first, backing off to 100 ms) before giving up. The window is seconds, not half of one, because a loaded
    /// machine can keep an agent from accepting for that long (CI saw a 0.5 s window run out once).
    /// </summary>
    public static async ValueTask<Stream> ConnectAsync(string socketPath, CancellationToken ct)
    {
        var started = Environment.TickCount64;
        for (var attempt = 1; ; attempt++)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e) when (Environment.TickCount64 - started < RetryWindow.TotalMilliseconds
                                            && e.SocketErrorCode is SocketError.WouldBlock or SocketError.TryAgain or SocketError.AddressNotAvailable)
            {
                socket.Dispose();
                await Task.Delay(Math.Min(10 * attempt, 100), ct);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
    }
}
