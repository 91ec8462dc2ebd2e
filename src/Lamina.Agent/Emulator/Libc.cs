using System.Runtime.InteropServices;

namespace Lamina.Agent.Emulator;

/// <summary>
/// The few libc calls the agent makes itself. Linked directly (DirectPInvoke in the project file):
/// the agent is a static executable and must never dlopen a libc from the image it runs in.
/// </summary>
internal static partial class Libc
{
    public const int SigTerm = 15;
    public const short PollIn = 0x001;
    public const short PollHup = 0x010;
    public const short PollErr = 0x008;
    public const short PollOut = 0x004;
    public const short PollNval = 0x020;
    public const int EAgain = 11;
    public const int EIntr = 4;
    private const nuint FionRead = 0x541B;
    private const int OWronly = 0x1;
    private const int ONonBlock = 0x800;
    private const int OCloExec = 0x80000;
    private const int EfdCloExec = 0x80000;
    private const int EfdNonBlock = 0x800;

    [LibraryImport("libc", EntryPoint = "kill")]
    public static partial int Kill(int pid, int signal);

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static unsafe partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static unsafe partial nint WriteRaw(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    private static partial int EventFd(uint initial, int flags);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static unsafe partial int Ioctl(int fd, nuint request, int* value);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint Read(int fd, byte* buffer, nuint count);

    /// <summary>Blocks until <paramref name="fd"/> is readable or hung up; the revents (0 on EINTR).</summary>
    public static unsafe short WaitReadable(int fd)
    {
        var poll = new PollFd { Fd = fd, Events = PollIn };
        return Poll(&poll, 1, -1) > 0 ? poll.Revents : (short)0;
    }

    /// <summary>Bytes waiting in a pipe (FIONREAD); 0 on error.</summary>
    public static unsafe int Pending(int fd)
    {
        var value = 0;
        return Ioctl(fd, FionRead, &value) == 0 ? value : 0;
    }

    /// <summary>read(2) into <paramref name="buffer"/>; bytes read, 0 at end of file, -1 on error.</summary>
    public static unsafe int ReadInto(int fd, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            return (int)Read(fd, p, (nuint)buffer.Length);
        }
    }

    /// <summary>poll(2) over <paramref name="fds"/>; the number ready, 0 on EINTR.</summary>
    public static unsafe int PollMany(Span<PollFd> fds, int timeoutMs)
    {
        fixed (PollFd* p = fds)
        {
            var ready = Poll(p, (nuint)fds.Length, timeoutMs);
            return ready < 0 ? 0 : ready;
        }
    }

    /// <summary>write(2) once; bytes written, or -errno.</summary>
    public static unsafe int WriteOnce(int fd, ReadOnlySpan<byte> bytes)
    {
        fixed (byte* p = bytes)
        {
            var written = (int)WriteRaw(fd, p, (nuint)bytes.Length);
            return written >= 0 ? written : -Marshal.GetLastPInvokeError();
        }
    }

    /// <summary>A new, non-blocking write description of the pipe behind <paramref name="fd"/> (through /proc), so
    /// O_NONBLOCK stays ours and never reaches whoever shares the original description; -1 when impossible.</summary>
    public static int ReopenNonBlocking(int fd) =>
        Open("/proc/self/fd/" + fd.ToString(System.Globalization.CultureInfo.InvariantCulture), OWronly | ONonBlock | OCloExec);

    /// <summary>A non-blocking eventfd (the poller's wake-up), or -1.</summary>
    public static int NewEventFd() => EventFd(0, EfdCloExec | EfdNonBlock);

    /// <summary>Adds one to an eventfd counter.</summary>
    public static void Signal(int eventFd)
    {
        Span<byte> one = stackalloc byte[8];
        one[0] = 1;
        WriteOnce(eventFd, one);
    }

    /// <summary>Resets an eventfd counter.</summary>
    public static void Consume(int eventFd)
    {
        Span<byte> value = stackalloc byte[8];
        ReadInto(eventFd, value);
    }
}
