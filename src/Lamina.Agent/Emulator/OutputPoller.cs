namespace Lamina.Agent.Emulator;

/// <summary>
/// One thread per agent that waits in poll(2) on every child pipe (runtimes' and extensions' stdout and
/// stderr, all environments) and on the agent's own stdout/stderr while bytes wait for their reader. It
/// replaced a thread per pipe: 32 environments had 64 pump threads (bench/agent/README.md, "32-env peak RSS").
/// <para>
/// Everything that touches the pipes or the sinks runs under <see cref="Lock"/>. No write under it blocks on a
/// reader (<see cref="OutputSink"/>), so a socket thread that takes the lock — to drain a runtime's output
/// before END and REPORT, or to write a platform line — is never held up by a log nobody reads.
/// </para>
/// </summary>
internal sealed class OutputPoller
{
    /// <summary>Size of the one buffer every pipe is read into.</summary>
    public const int ReadBufferBytes = 64 * 1024;

    private readonly List<OutputPump> _pumps = [];
    // One read buffer for every pump: reads only happen under Lock and each read's bytes are written and split
    // before the lock is released. A buffer per pump was 128 KiB per environment, 4 MiB of the 32-environment peak.
    private byte[]? _readBuffer;
    private readonly int _wake = Libc.NewEventFd();
    private Thread? _thread;

    public OutputPoller(OutputSink stdout, OutputSink stderr)
    {
        Stdout = stdout;
        Stderr = stderr;
    }

    /// <summary>Guards the pumps, their pipes and both sinks.</summary>
    public Lock Lock { get; } = new();

    public OutputSink Stdout { get; }

    public OutputSink Stderr { get; }

    /// <summary>True while both sinks can take more of the children's output (else the pipes wait, full).</summary>
    public bool HasRoom => Stdout.HasRoom && Stderr.HasRoom;

    /// <summary>Pipes being watched (for tests and diagnostics).</summary>
    public int PumpCount
    {
        get
        {
            lock (Lock)
            {
                return _pumps.Count;
            }
        }
    }

    /// <summary>Starts watching <paramref name="pump"/>; the thread starts with the first pipe.</summary>
    public void Add(OutputPump pump)
    {
        lock (Lock)
        {
            _pumps.Add(pump);
            if (_thread is null)
            {
                // A small stack: the thread only polls and copies into the shared read buffer.
                _thread = new Thread(Run, 256 * 1024) { IsBackground = true, Name = "lamina-output" };
                _thread.Start();
            }
        }
        Wake();
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="sink"/> in order with everything else; never waits for a reader.
    /// The caller holds <see cref="Lock"/>.</summary>
    public void WriteLocked(OutputSink sink, ReadOnlySpan<byte> bytes)
    {
        if (sink.Write(bytes))
        {
            // Bytes wait: the poller must watch the sink for POLLOUT.
            Wake();
        }
    }

    /// <summary>Takes the shared read buffer (the caller holds <see cref="Lock"/>); a nested reader on the same
    /// thread gets a fresh one rather than the buffer the outer read is still using.</summary>
    public byte[] TakeReadBufferLocked()
    {
        var buffer = _readBuffer ?? new byte[ReadBufferBytes];
        _readBuffer = null;
        return buffer;
    }

    /// <summary>Gives back what <see cref="TakeReadBufferLocked"/> returned (the caller holds <see cref="Lock"/>).</summary>
    public void ReturnReadBufferLocked(byte[] buffer) => _readBuffer = buffer;

    /// <summary>Makes the poll loop look at its sets again.</summary>
    public void Wake()
    {
        if (_wake >= 0)
        {
            Libc.Signal(_wake);
        }
    }

    private void Run()
    {
        var fds = new Libc.PollFd[8];
        var watched = new OutputPump?[8];
        while (true)
        {
            int count;
            lock (Lock)
            {
                count = Describe(ref fds, ref watched);
            }
            // Without an eventfd (never seen) new pipes are noticed by looking again every 50 ms.
            Libc.PollMany(fds.AsSpan(0, count), _wake >= 0 ? -1 : 50);
            lock (Lock)
            {
                if (fds[0].Revents != 0 && _wake >= 0)
                {
                    Libc.Consume(_wake);
                }
                for (var i = 1; i < count; i++)
                {
                    var revents = fds[i].Revents;
                    if (revents == 0)
                    {
                        continue;
                    }
                    if (watched[i] is { } pump)
                    {
                        if (HasRoom && pump.OnReadable(revents))
                        {
                            _pumps.Remove(pump);
                        }
                    }
                    else
                    {
                        (fds[i].Fd == Stdout.Fd && Stdout.Waiting > 0 ? Stdout : Stderr).Flush();
                    }
                }
            }
        }
    }

    /// <summary>The poll set: the wake-up, each sink with bytes waiting (POLLOUT), and each pipe unless the sinks are full.</summary>
    private int Describe(ref Libc.PollFd[] fds, ref OutputPump?[] watched)
    {
        var needed = 3 + _pumps.Count;
        if (fds.Length < needed)
        {
            fds = new Libc.PollFd[needed * 2];
            watched = new OutputPump?[needed * 2];
        }
        var count = 0;
        Set(fds, watched, ref count, _wake, Libc.PollIn, null);
        if (Stdout.Waiting > 0)
        {
            Set(fds, watched, ref count, Stdout.Fd, Libc.PollOut, null);
        }
        if (Stderr.Waiting > 0 && Stderr.Fd != Stdout.Fd)
        {
            Set(fds, watched, ref count, Stderr.Fd, Libc.PollOut, null);
        }
        // A pump closed by Drain on another thread is forgotten here.
        _pumps.RemoveAll(p => p.IsClosed);
        if (HasRoom)
        {
            foreach (var pump in _pumps)
            {
                Set(fds, watched, ref count, pump.Fd, Libc.PollIn, pump);
            }
        }
        return count;
    }

    private static void Set(Libc.PollFd[] fds, OutputPump?[] watched, ref int count, int fd, short events, OutputPump? pump)
    {
        fds[count] = new Libc.PollFd { Fd = fd, Events = events };
        watched[count] = pump;
        count++;
    }
}
