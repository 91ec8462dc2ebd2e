using System.Net.Sockets;

namespace Lamina.Environments;

/// <summary>
/// Connects a stream to the agent's Unix control socket, for <see cref="SocketsHttpHandler.ConnectCallback"/>.
/// The one copy: tests/Lamina.Agent.Tests compiles this file in as a link (it has no reference to this project).
/// </summary>
internal static class UnixSocketConnector
{
    /// <summary>
    /// Connects to <paramref name="socketPath"/>. A non-blocking connect(2) to a Unix socket fails with EAGAIN (which
    /// .NET reports as WouldBlock or AddressNotAvailable) when the listener's queue is momentarily full; unlike TCP it
    /// is not "in progress" and must simply be tried again, so it is, briefly (50 tries, 10 ms apart), before giving up.
    /// </summary>
    public static async ValueTask<Stream> ConnectAsync(string socketPath, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e) when (attempt < 50 && e.SocketErrorCode is SocketError.WouldBlock or SocketError.TryAgain or SocketError.AddressNotAvailable)
            {
                socket.Dispose();
                await Task.Delay(10, ct);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
    }
}
