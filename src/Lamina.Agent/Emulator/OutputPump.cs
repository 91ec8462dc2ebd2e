using Microsoft.Win32.SafeHandles;

namespace Lamina.Agent.Emulator;

/// <summary>
/// Copies one child pipe (a runtime's or an extension's stdout or stderr) to the agent's own stream
/// and cuts it into lines for the Telemetry and Logs APIs. One fixed 64 KiB buffer; lines longer than
/// <see cref="MaxLineBytes"/> are delivered in pieces, as Lambda does.
/// <para>
/// Every read happens under one lock, and only for bytes FIONREAD says are there, so reads never
/// block and a reader never holds bytes another has not seen: <see cref="Drain"/> (called before END
/// and REPORT) reads what the runtime wrote before it answered, on the caller's thread, and the log
/// keeps the order it had when the runtime wrote to the agent's stdout directly. A background thread
/// waits in poll(2) for the rest.
/// </para>
/// </summary>
internal sealed class OutputPump
{
    /// <summary>Lambda's limit for one log record.</summary>
    public const int MaxLineBytes = 256 * 1024;

    private readonly Lock _lock = new();
    private readonly SafePipeHandle _pipe;
    private readonly int _fd;
    private readonly Action<ReadOnlySpan<byte>> _forward;
    private readonly Action<ReadOnlySpan<byte>> _line;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private byte[] _partial = [];
    private int _partialLength;
    private bool _closed;

    private OutputPump(SafePipeHandle pipe, Action<ReadOnlySpan<byte>> forward, Action<ReadOnlySpan<byte>> line)
    {
        _pipe = pipe;
        _fd = (int)pipe.DangerousGetHandle();
        _forward = forward;
        _line = line;
    }

    /// <summary>Starts pumping <paramref name="pipe"/>: raw bytes to <paramref name="forward"/>, each complete
    /// line (without its newline) to <paramref name="line"/>. The pump owns the handle and closes it at end of file.</summary>
    public static OutputPump Start(SafePipeHandle pipe, Action<ReadOnlySpan<byte>> forward, Action<ReadOnlySpan<byte>> line)
    {
        var pump = new OutputPump(pipe, forward, line);
        // A small stack: the thread only polls and copies into the fixed buffer.
        new Thread(pump.Run, 256 * 1024) { IsBackground = true, Name = "lamina-output" }.Start();
        return pump;
    }

    /// <summary>Processes every byte already in the pipe, now, on the calling thread.</summary>
    public void Drain()
    {
        lock (_lock)
        {
            while (!_closed && Libc.Pending(_fd) > 0 && ReadOnce())
            {
            }
        }
    }

    private void Run()
    {
        while (true)
        {
            var events = Libc.WaitReadable(_fd);
            lock (_lock)
            {
                if (_closed)
                {
                    return;
                }
                if (Libc.Pending(_fd) > 0)
                {
                    ReadOnce();
                    continue;
                }
                if ((events & (Libc.PollHup | Libc.PollErr)) != 0)
                {
                    // Every writer closed the pipe and nothing is left in it.
                    Close();
                    return;
                }
            }
        }
    }

    /// <summary>One read of at most what is pending; false once the pipe is closed.</summary>
    private bool ReadOnce()
    {
        var read = Libc.ReadInto(_fd, _buffer);
        if (read <= 0)
        {
            Close();
            return false;
        }
        var chunk = _buffer.AsSpan(0, read);
        _forward(chunk);
        Split(chunk);
        return true;
    }

    private void Split(ReadOnlySpan<byte> chunk)
    {
        while (chunk.Length > 0)
        {
            var newline = chunk.IndexOf((byte)'\n');
            var take = newline < 0 ? chunk.Length : newline;
            if (_partialLength == 0 && newline >= 0 && take <= MaxLineBytes)
            {
                // The common case: a whole line inside one read, delivered without a copy.
                _line(chunk[..take]);
                chunk = chunk[(take + 1)..];
                continue;
            }
            var room = MaxLineBytes - _partialLength;
            var part = Math.Min(take, room);
            Append(chunk[..part]);
            chunk = chunk[part..];
            if (_partialLength == MaxLineBytes || (newline >= 0 && part == take))
            {
                _line(_partial.AsSpan(0, _partialLength));
                _partialLength = 0;
                if (newline >= 0 && part == take)
                {
                    chunk = chunk[1..];
                }
            }
        }
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (_partial.Length < _partialLength + bytes.Length)
        {
            Array.Resize(ref _partial, Math.Min(MaxLineBytes, Math.Max(_partialLength + bytes.Length, 4096)));
        }
        bytes.CopyTo(_partial.AsSpan(_partialLength));
        _partialLength += bytes.Length;
    }

    private void Close()
    {
        if (_closed)
        {
            return;
        }
        _closed = true;
        if (_partialLength > 0)
        {
            _line(_partial.AsSpan(0, _partialLength));
            _partialLength = 0;
        }
        _partial = [];
        _pipe.Dispose();
    }
}
