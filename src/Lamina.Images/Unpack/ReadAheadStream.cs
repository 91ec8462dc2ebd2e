using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Lamina.Images.Unpack;

/// <summary>
/// Reads its inner stream on a background thread into a small bounded queue of chunks, so decompression and
/// diff_id hashing run on one core while the tar reader writes files on another. Memory is bounded by
/// <c>depth × chunk</c> (4 MiB by default). An exception of the producer (a bomb limit, corrupt gzip) is
/// rethrown, with its type, by the consumer's next read.
/// </summary>
internal sealed class ReadAheadStream : Stream
{
    private const int ChunkSize = 256 * 1024;
    private readonly BlockingCollection<(byte[] Buffer, int Length)> chunks;
    private readonly CancellationTokenSource stop = new();
    private readonly Thread producer;
    private ExceptionDispatchInfo? failure;
    private byte[]? current;
    private int currentLength, currentOffset;
    private bool finished;

    public ReadAheadStream(Stream inner, int depth = 16)
    {
        chunks = new BlockingCollection<(byte[], int)>(depth);
        producer = new Thread(() => Produce(inner)) { IsBackground = true, Name = "layer read-ahead" };
        producer.Start();
    }

    private void Produce(Stream inner)
    {
        try
        {
            while (true)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
                var filled = 0;
                int n;
                while (filled < ChunkSize && (n = inner.Read(buffer, filled, ChunkSize - filled)) > 0) filled += n;
                if (filled == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    break;
                }
                chunks.Add((buffer, filled), stop.Token);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            failure = ExceptionDispatchInfo.Capture(e);
        }
        finally
        {
            chunks.CompleteAdding();
        }
    }

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty) return 0;
        while (current is null || currentOffset == currentLength)
        {
            if (current is not null) { ArrayPool<byte>.Shared.Return(current); current = null; }
            if (finished) return 0;
            if (!chunks.TryTake(out var chunk, Timeout.Infinite))
            {
                finished = true;
                failure?.Throw();
                return 0;
            }
            (current, currentLength, currentOffset) = (chunk.Buffer, chunk.Length, 0);
        }
        var n = Math.Min(buffer.Length, currentLength - currentOffset);
        current.AsSpan(currentOffset, n).CopyTo(buffer);
        currentOffset += n;
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            stop.Cancel();
            producer.Join();
            while (chunks.TryTake(out var chunk)) ArrayPool<byte>.Shared.Return(chunk.Buffer);
            if (current is not null) ArrayPool<byte>.Shared.Return(current);
            current = null;
            chunks.Dispose();
            stop.Dispose();
        }
        base.Dispose(disposing);
    }
}
