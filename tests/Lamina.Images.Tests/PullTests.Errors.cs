using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Lamina.Images.Tests;

// A registry's error answer becomes one short human line: the OCI error body as CODE: message, anything else cut
// short. Against a real HTTP server that answers what a proxy or another registry might.
public sealed partial class PullTests
{
    [Fact]
    public async Task Bodies_that_are_not_the_oci_error_shape_are_kept_to_one_short_line()
    {
        var page = "<html>\n<body>\n" + string.Concat(Enumerable.Repeat("<p>gateway says no</p>\r\n", 400)) + "</body></html>";
        await using var server = new CannedServer(path => path switch
        {
            "/v2/page/manifests/v1" => (404, page),
            "/v2/empty/manifests/v1" => (404, ""),
            "/v2/two/manifests/v1" => (503, """{"errors":[{"code":"UNAVAILABLE","message":"down for\nmaintenance"},{"code":"TOOMANYREQUESTS","detail":"slow down"}]}"""),
            "/v2/denied/manifests/v1" => (403, """{"errors":[{"code":"DENIED","message":"requested access to the resource is denied","detail":{"x":1}}]}"""),
            _ => (500, """{"message":"not the oci shape"}"""),
        });

        var html = await PullErrorAsync(server, "page");
        Assert.Equal(ImageErrorCode.NotFound, html.Code);
        Assert.StartsWith($"image {server.Host}/page:v1: not found (404): <html> <body> <p>gateway says no</p>", html.Message);
        Assert.EndsWith("…", html.Message);
        Assert.True(html.Message.Length < 300, html.Message);

        var empty = await PullErrorAsync(server, "empty");
        Assert.Equal($"image {server.Host}/empty:v1: not found (404)", empty.Message);

        var two = await PullErrorAsync(server, "two");
        Assert.Equal(ImageErrorCode.RegistryUnavailable, two.Code);
        Assert.Equal($"image {server.Host}/two:v1: registry answered 503: UNAVAILABLE: down for maintenance; TOOMANYREQUESTS: slow down", two.Message);

        var denied = await PullErrorAsync(server, "denied");
        Assert.Equal(ImageErrorCode.Unauthorized, denied.Code);
        Assert.Equal($"image {server.Host}/denied:v1: registry refused access (403): DENIED: requested access to the resource is denied", denied.Message);

        var other = await PullErrorAsync(server, "other");
        Assert.Equal($"image {server.Host}/other:v1: registry answered 500: {{\"message\":\"not the oci shape\"}}", other.Message);
    }

    private async Task<ImageError> PullErrorAsync(CannedServer server, string name)
    {
        var result = await store.PullAsync($"{server.Host}/{name}:v1");
        Assert.False(result.Succeeded);
        Assert.DoesNotContain('\n', result.Error!.Message);
        return result.Error;
    }

    /// <summary>A loopback HTTP server answering every request with the status and body chosen by its path.</summary>
    private sealed class CannedServer : IAsyncDisposable
    {
        private readonly HttpListener listener = new();
        private readonly Task loop;

        public CannedServer(Func<string, (int Status, string Body)> answer)
        {
            int port;
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                port = ((IPEndPoint)probe.LocalEndpoint).Port;
            }
            Host = $"127.0.0.1:{port}";
            listener.Prefixes.Add($"http://{Host}/");
            listener.Start();
            loop = Task.Run(async () =>
            {
                while (listener.IsListening)
                {
                    HttpListenerContext context;
                    try { context = await listener.GetContextAsync(); }
                    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
                    var (status, body) = answer(context.Request.Url!.AbsolutePath);
                    var bytes = Encoding.UTF8.GetBytes(body);
                    context.Response.StatusCode = status;
                    context.Response.ContentType = body.StartsWith('{') ? "application/json" : "text/html";
                    await context.Response.OutputStream.WriteAsync(bytes);
                    context.Response.Close();
                }
            });
        }

        public string Host { get; }

        public async ValueTask DisposeAsync()
        {
            listener.Stop();
            listener.Close();
            await loop;
        }
    }
}
