namespace Lamina.RuntimeSupport.Internal;

/// <summary>
/// A byte buffer kept across invocations so a warm invoke allocates no payload-sized arrays: the
/// event body is read into it, and it grows (doubling) only when an event is larger than any before.
/// </summary>
internal sealed class ReusableBuffer
{
    private byte[] _bytes = new byte[16 * 1024];

    /// <summary>Reads <paramref name="source"/> to its end; a read-only stream over the bytes read,
    /// valid until the next call.</summary>
    public async Task<MemoryStream> ReadAllAsync(Stream source, long? length, CancellationToken cancellationToken)
    {
        if (length is > 0 && length.Value > _bytes.Length) Array.Resize(ref _bytes, checked((int)length.Value));
        var total = 0;
        while (true)
        {
            if (total == _bytes.Length) Array.Resize(ref _bytes, checked(_bytes.Length * 2));
            var read = await source.ReadAsync(_bytes.AsMemory(total), cancellationToken);
            if (read == 0) break;
            total += read;
        }
        return new MemoryStream(_bytes, 0, total, writable: false, publiclyVisible: true);
    }
}
