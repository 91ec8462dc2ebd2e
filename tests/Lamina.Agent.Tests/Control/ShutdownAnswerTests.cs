using System.Net.Sockets;
using System.Text;
using Lamina.Agent.Control;
using Lamina.Agent.Http;

namespace Lamina.Agent.Tests.Control;

/// <summary>
/// The host's POST /lamina/v1/shutdown is answered before the agent starts stopping. Stopping closes every connection
/// and removes the socket; begun while the answer was still unwritten it raced it, and under load the host's shutdown
/// failed: "Connection reset by peer", or — its HTTP client retrying on a new connection — ENOENT on connect, which .NET
/// reports as "Cannot assign requested address" (the pid-namespace HostOnlyControlTests flake, about 1 run in 4 in
/// session 8). Here the control handler is served by the agent's HTTP server on a Unix socket, and the shutdown action
/// itself waits until the host has read the whole answer: it can only see that if it runs after the answer is written.
/// </summary>
public sealed class ShutdownAnswerTests
{
    [Fact]
    public async Task Stopping_starts_only_once_the_host_can_read_the_answer_to_its_shutdown()
    {
        var hostRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stopping = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        // The health, init and invoke routes (the other two arguments) are not used by a shutdown.
        var control = new ControlApiHandler(null!, null!, () =>
            stopping.TrySetResult(hostRead.Task.Wait(TimeSpan.FromSeconds(30))));
        // An abstract Unix socket (leading NUL): nothing on disk to clean up.
        var endpoint = new UnixDomainSocketEndPoint("\0lamina-shutdown-" + Guid.NewGuid().ToString("N"));
        await using var server = HttpServer.Start(endpoint, control, new HttpLimits(1024));

        using var host = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await host.ConnectAsync(endpoint);
        await host.SendAsync("POST /lamina/v1/shutdown HTTP/1.1\r\nHost: agent\r\nContent-Length: 0\r\n\r\n"u8.ToArray(), SocketFlags.None);
        var answer = await ReadAnswerAsync(host);
        hostRead.SetResult();

        Assert.StartsWith("HTTP/1.1 200 ", answer, StringComparison.Ordinal);
        Assert.EndsWith("""{"status":"stopping"}""", answer, StringComparison.Ordinal);
        Assert.True(await stopping.Task.WaitAsync(TimeSpan.FromSeconds(60)), "the agent began stopping before the host had its answer");
    }

    /// <summary>One whole answer (head and Content-Length body); the connection may stay open until stopping runs.</summary>
    private static async Task<string> ReadAnswerAsync(Socket socket)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (!Complete(text.ToString()))
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, patience.Token);
            if (read == 0) break;
            text.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }
        return text.ToString();

        static bool Complete(string text)
        {
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end < 0) return false;
            var header = text[..end].Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
            return header is not null && text.Length - end - 4 >= int.Parse(header["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
