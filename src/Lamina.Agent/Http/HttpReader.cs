using System.Buffers;
using System.Text;

namespace Lamina.Agent.Http;

/// <summary>
/// Buffered reader for the HTTP/1.1 wire format: CRLF-terminated lines for the head and chunk
/// sizes, exact byte counts for bodies. Bodies larger than the buffer are read straight from the
/// stream into their destination, so a payload is copied once from the socket.
/// </summary>
internal sealed class HttpReader(Stream stream, int maxLineBytes) : IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(8192);
    private int _start;
    private int _end;

    /// <summary>Reads one line without its line ending; null at a clean end of stream before any byte.</summary>
    /// <exception cref="HttpProtocolException">The line is longer than the limit or the stream ends mid-line.</exception>
    public async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var scanned = 0;
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start + scanned, _end - _start - scanned);
            if (newline >= 0)
            {
                var length = newline - _start;
                if (length > maxLineBytes)
                {
                    throw new HttpProtocolException("header line too long", 431);
                }
                if (length > 0 && _buffer[newline - 1] == (byte)'\r')
                {
                    length--;
                }
                var line = Encoding.Latin1.GetString(_buffer, _start, length);
                _start = newline + 1;
                return line;
            }
            scanned = _end - _start;
            if (scanned >= maxLineBytes)
            {
                throw new HttpProtocolException("header line too long", 431);
            }
            if (!await FillAsync(cancellationToken))
            {
                if (scanned == 0)
                {
                    return null;
                }
                throw new HttpProtocolException("connection closed in the middle of a line");
            }
        }
    }

    /// <summary>
    /// The next buffered line without its line ending, as a view of the buffer valid until the next call on the
    /// reader (no string per line: the head's parser takes the parts it keeps); false when no whole line is
    /// buffered yet, then <see cref="FillAsync"/> and try again.
    /// </summary>
    /// <exception cref="HttpProtocolException">The line is longer than the limit.</exception>
    public bool TryTakeLine(out ReadOnlySpan<byte> line)
    {
        var unread = _buffer.AsSpan(_start, _end - _start);
        var newline = unread.IndexOf((byte)'\n');
        if (newline < 0)
        {
            if (unread.Length >= maxLineBytes)
            {
                throw new HttpProtocolException("header line too long", 431);
            }
            line = default;
            return false;
        }
        if (newline > maxLineBytes)
        {
            throw new HttpProtocolException("header line too long", 431);
        }
        line = unread[..(newline > 0 && unread[newline - 1] == (byte)'\r' ? newline - 1 : newline)];
        _start += newline + 1;
        return true;
    }

    /// <summary>True when bytes are buffered that no read took yet (a partial line at the end of the stream).</summary>
    public bool HasBuffered => _end > _start;

    /// <summary>Fills <paramref name="destination"/> completely.</summary>
    /// <exception cref="HttpProtocolException">The stream ended first.</exception>
    public async ValueTask ReadExactlyAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        var buffered = Math.Min(_end - _start, destination.Length);
        _buffer.AsMemory(_start, buffered).CopyTo(destination);
        _start += buffered;
        destination = destination[buffered..];
        while (destination.Length > 0)
        {
            var read = await stream.ReadAsync(destination, cancellationToken);
            if (read == 0)
            {
                throw new HttpProtocolException("connection closed in the middle of a body");
            }
            destination = destination[read..];
        }
    }

    /// <summary>Reads and throws away <paramref name="count"/> bytes (a refused body).</summary>
    public async ValueTask SkipAsync(long count, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (_start == _end && !await FillAsync(cancellationToken))
            {
                throw new HttpProtocolException("connection closed in the middle of a body");
            }
            var take = (int)Math.Min(count, _end - _start);
            _start += take;
            count -= take;
        }
    }

    /// <summary>Reads what the socket has into the buffer (compacting or growing it); false at the end of the stream.</summary>
    public async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_end == _buffer.Length)
        {
            // Compact, or grow when the unread part already fills the buffer (a long line).
            var unread = _end - _start;
            var target = unread > _buffer.Length / 2 ? ArrayPool<byte>.Shared.Rent(_buffer.Length * 2) : _buffer;
            Buffer.BlockCopy(_buffer, _start, target, 0, unread);
            if (!ReferenceEquals(target, _buffer))
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = target;
            }
            _start = 0;
            _end = unread;
        }
        var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        _end += read;
        return read > 0;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
