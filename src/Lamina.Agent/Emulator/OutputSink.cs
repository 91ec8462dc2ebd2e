namespace Lamina.Agent.Emulator;

/// <summary>
/// The agent's stdout or stderr (the function's log), written without ever blocking a socket thread.
/// When the descriptor is a pipe (emulator mode under docker or a test harness) the agent writes through its
/// own non-blocking description of it; what the reader has not taken yet waits in a bounded overflow that
/// <see cref="OutputPoller"/> flushes when the pipe becomes writable. While the overflow is above
/// <see cref="SoftLimit"/> the poller stops reading the children's pipes, so a runtime that writes faster than
/// the log is read is slowed down (its own pipe fills), never buffered without bound. A regular file (the
/// sandbox's log in host mode) or a terminal is written directly: those writes do not wait for a reader.
/// All members run under the poller's lock.
/// </summary>
internal sealed class OutputSink
{
    /// <summary>Above this many waiting bytes the children's pipes are not read.</summary>
    public const int SoftLimit = 64 * 1024;

    /// <summary>Beyond this many waiting bytes new writes (platform lines only, by then) are dropped and counted.</summary>
    public const int HardLimit = 1024 * 1024;

    private readonly int _fd;
    private byte[] _overflow = [];
    private int _overflowLength;
    private bool _broken;

    private OutputSink(int fd, bool nonBlocking)
    {
        _fd = fd;
        NonBlocking = nonBlocking;
    }

    /// <summary>True when writes never wait (a pipe reopened with O_NONBLOCK).</summary>
    public bool NonBlocking { get; }

    /// <summary>The descriptor the poller watches for POLLOUT while bytes wait.</summary>
    public int Fd => _fd;

    /// <summary>Bytes waiting for the reader.</summary>
    public int Waiting => _overflowLength;

    /// <summary>Bytes dropped because the reader stalled past <see cref="HardLimit"/> or went away.</summary>
    public long Dropped { get; private set; }

    /// <summary>True while the children's pipes may be read into this sink.</summary>
    public bool HasRoom => _overflowLength < SoftLimit;

    /// <summary>Opens the sink for descriptor 1 or 2: non-blocking when it is a pipe and /proc lets us reopen it.</summary>
    public static OutputSink For(int fd)
    {
        if (IsPipe(fd) && Libc.ReopenNonBlocking(fd) is >= 0 and var reopened)
        {
            return new OutputSink(reopened, nonBlocking: true);
        }
        return new OutputSink(fd, nonBlocking: false);
    }

    /// <summary>Writes <paramref name="bytes"/> after whatever is waiting; what the reader cannot take now waits.</summary>
    /// <returns>True when bytes are left waiting (the poller must watch for POLLOUT).</returns>
    public bool Write(ReadOnlySpan<byte> bytes)
    {
        if (_broken)
        {
            Dropped += bytes.Length;
            return false;
        }
        if (_overflowLength == 0)
        {
            bytes = bytes[WriteNow(bytes)..];
        }
        if (bytes.Length == 0)
        {
            return false;
        }
        if (_overflowLength + bytes.Length > HardLimit)
        {
            Dropped += bytes.Length;
            return _overflowLength > 0;
        }
        if (_overflow.Length < _overflowLength + bytes.Length)
        {
            Array.Resize(ref _overflow, Math.Max(_overflowLength + bytes.Length, Math.Min(HardLimit, Math.Max(4096, _overflow.Length * 2))));
        }
        bytes.CopyTo(_overflow.AsSpan(_overflowLength));
        _overflowLength += bytes.Length;
        return true;
    }

    /// <summary>Writes what waits, as far as the reader takes it (the poller calls this on POLLOUT).</summary>
    public void Flush()
    {
        if (_overflowLength == 0)
        {
            return;
        }
        var written = WriteNow(_overflow.AsSpan(0, _overflowLength));
        _overflow.AsSpan(written, _overflowLength - written).CopyTo(_overflow);
        _overflowLength -= written;
        if (_overflowLength == 0 && _overflow.Length > SoftLimit)
        {
            // A stall is over: give the memory back.
            _overflow = [];
        }
    }

    /// <summary>Bytes of <paramref name="bytes"/> the descriptor took now (all of them, or dropped, when it failed).</summary>
    private int WriteNow(ReadOnlySpan<byte> bytes)
    {
        var done = 0;
        while (done < bytes.Length)
        {
            var written = Libc.WriteOnce(_fd, bytes[done..]);
            if (written >= 0)
            {
                done += written;
            }
            else if (written == -Libc.EAgain)
            {
                return done;
            }
            else if (written != -Libc.EIntr)
            {
                // EPIPE, EBADF, …: nobody reads the log any more; the invoke itself must not fail for that.
                Dropped += bytes.Length - done;
                _broken = true;
                return bytes.Length;
            }
        }
        return done;
    }

    private static bool IsPipe(int fd)
    {
        try
        {
            return new FileInfo("/proc/self/fd/" + fd.ToString(System.Globalization.CultureInfo.InvariantCulture)).LinkTarget?.StartsWith("pipe:", StringComparison.Ordinal) == true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
