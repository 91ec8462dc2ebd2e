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
    private const nuint FionRead = 0x541B;

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
}
