using System.Net.Sockets;

namespace Lamina.Bench.Coldstart;

/// <summary>An HttpClient whose every connection goes to one Unix socket (lamina-init's control channel).</summary>
internal static class ControlSocket
{
    public static HttpClient Client(string path) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (_, ct) =>
        {
            var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await s.ConnectAsync(new UnixDomainSocketEndPoint(path), ct);
            return new NetworkStream(s, ownsSocket: true);
        },
    })
    { BaseAddress = new Uri("http://lamina-init/") };

    /// <summary>Polls (1 ms) until the socket exists and GET /lamina/v1/health answers 200.</summary>
    public static async Task WaitHealthyAsync(HttpClient http, string path, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(path))
            {
                try
                {
                    using var r = await http.GetAsync(new Uri("lamina/v1/health", UriKind.Relative));
                    if (r.IsSuccessStatusCode) return;
                }
                catch (HttpRequestException)
                {
                }
            }
            await Task.Delay(1);
        }
        throw new TimeoutException("agent not healthy on " + path);
    }
}
