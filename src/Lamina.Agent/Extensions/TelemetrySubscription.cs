using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Lamina.Agent.Http;

namespace Lamina.Agent.Extensions;

/// <summary>
/// One Telemetry API or Logs API subscription. Records are batched: a batch goes out when it holds
/// <c>maxItems</c> records or <c>maxBytes</c> bytes, or <c>timeoutMs</c> after its first record.
/// HTTP destinations get each batch POSTed as a JSON array; TCP destinations get newline-delimited
/// JSON over one kept-open connection. The queue is bounded (a slow listener must not cost the
/// agent memory): records that do not fit are counted and reported in one platform.logsDropped record
/// at the head of the next batch. Delivery failures drop the batch: telemetry never slows the function.
/// </summary>
internal sealed class TelemetrySubscription
{
    /// <summary>The queue holds at most this many batches' worth of bytes.</summary>
    private const int QueuedBatches = 4;

    private readonly Channel<byte[]> _records = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SubscriptionRequest _request;
    private readonly IPEndPoint _endpoint;
    private long _queuedBytes;
    private long _droppedRecords;
    private long _droppedBytes;
    private Socket? _tcp;

    /// <summary>Queued by <see cref="FlushAsync"/>: everything before it goes out at once, then its waiter completes.</summary>
    private static readonly byte[] FlushMarker = [];
    private readonly System.Collections.Concurrent.ConcurrentQueue<TaskCompletionSource> _flushes = new();

    public TelemetrySubscription(SubscriptionRequest request)
    {
        _request = request;
        _endpoint = request.Endpoint;
        _ = Task.Run(SendLoopAsync);
    }

    public SubscriptionApi Api => _request.Api;

    /// <summary>"platform", "function", "extension".</summary>
    public HashSet<string> Types => _request.Types;

    /// <summary>Stops accepting records; what is queued is still sent.</summary>
    public void Close() => _records.Writer.TryComplete();

    /// <summary>Sends what is queued now, without waiting for the batch's timeout; completes once it went out
    /// (before SHUTDOWN, so an extension that exits on SHUTDOWN still gets the last invoke's records).</summary>
    public Task FlushAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _flushes.Enqueue(done);
        if (!_records.Writer.TryWrite(FlushMarker))
        {
            // Closed: the loop sends what is left on its own.
            _flushes.TryDequeue(out _);
            done.TrySetResult();
        }
        return done.Task;
    }

    /// <summary>Queues one serialized record <c>{"time","type","record"}</c>, or counts it as dropped.</summary>
    public void Post(byte[] record)
    {
        if (Interlocked.Add(ref _queuedBytes, record.Length) > (long)_request.MaxBytes * QueuedBatches || !_records.Writer.TryWrite(record))
        {
            Interlocked.Add(ref _queuedBytes, -record.Length);
            Interlocked.Increment(ref _droppedRecords);
            Interlocked.Add(ref _droppedBytes, record.Length);
        }
    }

    private async Task SendLoopAsync()
    {
        var batch = new List<byte[]>(Math.Min(_request.MaxItems, 1024));
        var reader = _records.Reader;
        while (await reader.WaitToReadAsync())
        {
            var flushAt = DateTime.UtcNow.AddMilliseconds(_request.TimeoutMs);
            var bytes = 0L;
            var flush = false;
            if (TakeDropped() is { } dropped)
            {
                batch.Add(dropped);
                bytes += dropped.Length;
            }
            while (batch.Count < _request.MaxItems)
            {
                if (reader.TryPeek(out var next))
                {
                    if (ReferenceEquals(next, FlushMarker))
                    {
                        reader.TryRead(out _);
                        flush = true;
                        break;
                    }
                    if (batch.Count > 0 && bytes + next.Length > _request.MaxBytes)
                    {
                        break;
                    }
                    reader.TryRead(out _);
                    Interlocked.Add(ref _queuedBytes, -next.Length);
                    batch.Add(next);
                    bytes += next.Length;
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
                    if (!await reader.WaitToReadAsync(timer.Token))
                    {
                        break;
                    }
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            if (batch.Count > 0)
            {
                await SendAsync(batch);
            }
            batch.Clear();
            if (flush && _flushes.TryDequeue(out var flushed))
            {
                flushed.TrySetResult();
            }
        }
        _tcp?.Dispose();
    }

    /// <summary>A platform.logsDropped record for what was dropped since the last one, or null.</summary>
    private byte[]? TakeDropped()
    {
        var records = Interlocked.Exchange(ref _droppedRecords, 0);
        if (records == 0)
        {
            return null;
        }
        var bytes = Interlocked.Exchange(ref _droppedBytes, 0);
        var time = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
        return Encoding.UTF8.GetBytes(
            $$$"""{"time":"{{{time}}}","type":"platform.logsDropped","record":{"reason":"Some logs were dropped because the downstream consumer is slower than the logs production rate","droppedRecords":{{{records}}},"droppedBytes":{{{bytes}}}}}""");
    }

    private async Task SendAsync(List<byte[]> batch)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            if (_request.Protocol == SubscriptionProtocol.Tcp)
            {
                await SendTcpAsync(batch, timeout.Token);
            }
            else
            {
                await SendHttpAsync(batch, timeout.Token);
            }
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or Lamina.Agent.Http.HttpProtocolException)
        {
            // The listener is not there (yet) or too slow: this batch is lost, as on Lambda after retries.
            _tcp?.Dispose();
            _tcp = null;
        }
    }

    private async Task SendTcpAsync(List<byte[]> batch, CancellationToken cancellationToken)
    {
        if (_tcp is null)
        {
            var socket = new Socket(_endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(_endpoint, cancellationToken);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
            _tcp = socket;
        }
        var body = new MemoryStream();
        foreach (var record in batch)
        {
            body.Write(record);
            body.WriteByte((byte)'\n');
        }
        await _tcp.SendAsync(body.GetBuffer().AsMemory(0, (int)body.Length), SocketFlags.None, cancellationToken);
    }

    private async Task SendHttpAsync(List<byte[]> batch, CancellationToken cancellationToken)
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
        using var socket = new Socket(_endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(_endpoint, cancellationToken);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var head = $"POST {_request.PathAndQuery} HTTP/1.1\r\nHost: {_request.HostHeader}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), cancellationToken);
        await stream.WriteAsync(body.GetBuffer().AsMemory(0, (int)body.Length), cancellationToken);
        using var reader = new HttpReader(stream, 8192);
        await reader.ReadLineAsync(cancellationToken);
    }
}
