using System.Security.Cryptography;

namespace Lamina.Images.Unpack;

/// <summary>
/// A read-only pass-through that hashes and counts every byte read (the layer's diff_id is the digest of
/// exactly these bytes) and throws once the count passes the limit the caller computes from
/// <see cref="UnpackLimits"/> and the shared image budget.
/// </summary>
internal sealed class BoundedHashingStream(Stream inner, IncrementalHash hash, Func<long, string?> checkLimit) : Stream
{
    public long BytesRead { get; private set; }

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        Account(buffer[..n]);
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken);
        Account(buffer.Span[..n]);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void Account(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return;
        hash.AppendData(data);
        BytesRead += data.Length;
        var refusal = checkLimit(BytesRead);
        if (refusal is not null) throw new ImageException(ImageErrorCode.TooLarge, refusal);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
