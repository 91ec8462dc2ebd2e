using Microsoft.Win32.SafeHandles;

namespace Lamina.Agent.Emulator;

/// <summary>
/// One child pipe (a runtime's or an extension's stdout or stderr): copied to the agent's own stream and cut
/// into lines for the Telemetry and Logs APIs. Reads go into the poller's one shared 64 KiB buffer; lines longer than
/// <see cref="MaxLineBytes"/> are delivered in pieces, as Lambda does.
/// <para>
/// No thread of its own: the agent's <see cref="OutputPoller"/> reads it when poll(2) says it is readable.
/// Every read happens under the poller's lock and only for bytes FIONREAD says are there, so reads never
/// block and a reader never holds bytes another has not seen: <see cref="Drain"/> (called before END and
/// REPORT) reads what the runtime wrote before it answered, on the caller's thread, and the log keeps the
/// order it had when the runtime wrote to the agent's stdout directly.
/// </para>
/// </summary>
internal sealed class OutputPump
{
    /// <summary>Lambda's limit for one log record.</summary>
    public const int MaxLineBytes = 256 * 1024;

    private readonly OutputPoller _poller;
    private readonly OutputSink _sink;
    private readonly SafePipeHandle _pipe;
    private readonly Action<ReadOnlySpan<byte>> _line;
    private byte[] _partial = [];
    private int _partialLength;
    private bool _closed;

    private OutputPump(OutputPoller poller, OutputSink sink, SafePipeHandle pipe, Action<ReadOnlySpan<byte>> line)
    {
        _poller = poller;
        _sink = sink;
        _pipe = pipe;
        Fd = (int)pipe.DangerousGetHandle();
        _line = line;
    }

    /// <summary>True once the pipe reached end of file (read under the poller's lock).</summary>
    public bool IsClosed => _closed;

    /// <summary>The pipe's descriptor (valid until the pump closes).</summary>
    public int Fd { get; }

    /// <summary>Starts pumping <paramref name="pipe"/>: raw bytes to <paramref name="sink"/>, each complete line (without its
    /// newline) to <paramref name="line"/>. The pump owns the handle and closes it at end of file.</summary>
    public static OutputPump Start(OutputPoller poller, OutputSink sink, SafePipeHandle pipe, Action<ReadOnlySpan<byte>> line)
    {
        var pump = new OutputPump(poller, sink, pipe, line);
        poller.Add(pump);
        return pump;
    }

    /// <summary>Processes every byte already in the pipe, now, on the calling thread — unless the agent's own
    /// stdout is backed up (then the bytes stay in the pipe: waiting for the log's reader is never done here).</summary>
    public void Drain()
    {
        lock (_poller.Lock)
        {
            while (!_closed && _poller.HasRoom && Libc.Pending(Fd) > 0 && ReadOnce())
            {
            }
        }
    }

    /// <summary>The poller saw <paramref name="revents"/> on the pipe (its lock held); true once the pipe is closed.</summary>
    public bool OnReadable(short revents)
    {
        if (_closed)
        {
            return true;
        }
        if (Libc.Pending(Fd) > 0)
        {
            ReadOnce();
        }
        else if ((revents & (Libc.PollHup | Libc.PollErr | Libc.PollNval)) != 0)
        {
            // Every writer closed the pipe and nothing is left in it.
            Close();
        }
        return _closed;
    }

    /// <summary>One read of at most what is pending; false once the pipe is closed.</summary>
    private bool ReadOnce()
    {
        var buffer = _poller.TakeReadBufferLocked();
        try
        {
            var read = Libc.ReadInto(Fd, buffer);
            if (read <= 0)
            {
                Close();
                return false;
            }
            var chunk = buffer.AsSpan(0, read);
            _poller.WriteLocked(_sink, chunk);
            Split(chunk);
            return true;
        }
        finally
        {
            _poller.ReturnReadBufferLocked(buffer);
        }
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
