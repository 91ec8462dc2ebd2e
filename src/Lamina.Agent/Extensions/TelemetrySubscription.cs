using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Lamina.Agent.Http;

namespace Lamina.Agent.Extensions;

/// <summary>
/// One Telemetry API subscription with an HTTP destination: records are buffered and POSTed as a
/// JSON array when <c>maxItems</c> are queued or <c>timeoutMs</c> passed since the first one. The
/// destination must be in the sandbox (sandbox.localdomain, sandbox, localhost or a loopback IP).
/// Delivery failures drop the batch: telemetry must never slow the function down.
/// </summary>
internal sealed class TelemetrySubscription
{
    private readonly Channel<byte[]> _records = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly IPEndPoint _endpoint;
    private readonly string _pathAndQuery;
    private readonly string _hostHeader;
    private readonly int _maxItems;
    private readonly TimeSpan _timeout;

    private TelemetrySubscription(HashSet<string> types, IPEndPoint endpoint, Uri uri, int maxItems, int timeoutMs)
    {
        Types = types;
        _endpoint = endpoint;
        _pathAndQuery = uri.PathAndQuery;
        _hostHeader = uri.Authority;
        _maxItems = maxItems;
        _timeout = TimeSpan.FromMilliseconds(timeoutMs);
        _ = Task.Run(SendLoopAsync);
    }

    /// <summary>"platform", "function", "extension".</summary>
    public HashSet<string> Types { get; }

    /// <summary>A subscription, or null with the reason when the destination is not usable.</summary>
    public static TelemetrySubscription? Create(HashSet<string> types, string uri, int maxItems, int timeoutMs, out string? error)
    {
        error = null;
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Scheme != "http")
        {
            error = "destination URI must be an absolute http:// URI";
            return null;
        }
        IPAddress? address = parsed.Host switch
        {
            "sandbox.localdomain" or "sandbox" or "localhost" => IPAddress.Loopback,
            _ => IPAddress.TryParse(parsed.Host, out var ip) && IPAddress.IsLoopback(ip) ? ip : null,
        };
        if (address is null)
        {
            error = "destination host must be sandbox.localdomain, sandbox, localhost or a loopback address";
            return null;
        }
        return new TelemetrySubscription(types, new IPEndPoint(address, parsed.Port), parsed, maxItems, timeoutMs);
    }

    /// <summary>Stops accepting records; what is queued is still sent.</summary>
    public void Close() => _records.Writer.TryComplete();

    /// <summary>Queues one serialized record <c>{"time","type","record"}</c>.</summary>
    public void Post(byte[] record) => _records.Writer.TryWrite(record);

    private async Task SendLoopAsync()
    {
        var batch = new List<byte[]>(_maxItems);
        while (await _records.Reader.WaitToReadAsync())
        {
            var flushAt = DateTime.UtcNow + _timeout;
            while (batch.Count < _maxItems)
            {
                if (_records.Reader.TryRead(out var record))
                {
                    batch.Add(record);
                    continue;
                }
                var wait = flushAt - DateTime.UtcNow;
                if (wait <= TimeSpan.Zero)
                {
                    break;
                }
                using var timer = new CancellationTokenSource(wait);
                try
                {
                    await _records.Reader.WaitToReadAsync(timer.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            await SendAsync(batch);
            batch.Clear();
        }
    }

    private async Task SendAsync(List<byte[]> batch)
    {
        var body = new MemoryStream();
        body.WriteByte((byte)'[');
        for (var i = 0; i < batch.Count; i++)
        {
            if (i > 0)
            {
                body.WriteByte((byte)',');
            }
            body.Write(batch[i]);
        }
        body.WriteByte((byte)']');
        try
        {
            using var socket = new Socket(_endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await socket.ConnectAsync(_endpoint, timeout.Token);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            var head = $"POST {_pathAndQuery} HTTP/1.1\r\nHost: {_hostHeader}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head), timeout.Token);
            await stream.WriteAsync(body.GetBuffer().AsMemory(0, (int)body.Length), timeout.Token);
            using var reader = new HttpReader(stream, 8192);
            await reader.ReadLineAsync(timeout.Token);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or Lamina.Agent.Http.HttpProtocolException)
        {
            // The listener is not there (yet) or too slow: this batch is lost, as on Lambda after retries.
        }
    }
}
