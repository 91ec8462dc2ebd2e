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
    /// .NET reports as WouldBlock) when the listener's queue is momentarily full; unlike TCP it is not "in progress" and
    /// must simply be tried again, for up to <see cref="RetryWindow"/> (10 ms apart at first, backing off to 100 ms)
    /// before giving up: a loaded machine can keep an agent from accepting for seconds. ENOENT, no socket at the path,
    /// is what .NET reports as AddressNotAvailable ("Cannot assign requested address") and is waited out the same way;
    /// the failures CI saw with that message were an agent that had already stopped (its shutdown raced its answer to
    /// the host, fixed in ControlApiHandler), not a full queue.
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
