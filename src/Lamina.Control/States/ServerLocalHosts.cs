using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Lamina.Control.States;

/// <summary>
/// This server's registry hosts: every address Kestrel listens on (port 0 resolved), with "localhost" and
/// 127.0.0.1 treated alike, plus the configured public host.
/// </summary>
public sealed class ServerLocalHosts(IServer server, string? publicHost) : ILocalRegistryHosts
{
    public bool IsLocal(string hostAndPort)
    {
        if (publicHost is not null && string.Equals(Authority(publicHost), hostAndPort, StringComparison.OrdinalIgnoreCase)) return true;
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            if (!Uri.TryCreate(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal), UriKind.Absolute, out var uri)) continue;
            var port = ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (string.Equals(uri.Authority, hostAndPort, StringComparison.OrdinalIgnoreCase)) return true;
            if (uri.IsLoopback && string.Equals("localhost" + port, hostAndPort, StringComparison.OrdinalIgnoreCase)) return true;
            if (uri.IsLoopback && string.Equals("127.0.0.1" + port, hostAndPort, StringComparison.Ordinal)) return true;
        }
        return false;
    }

    private static string Authority(string host) => Uri.TryCreate(host, UriKind.Absolute, out var uri) ? uri.Authority : host;
}
