using System.Net;
using System.Net.Sockets;

namespace Lamina.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A loopback port that was free a moment ago, for servers that cannot be told to pick one
/// themselves (Debian's distribution registry). Callers retry on a lost race.
/// </summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
