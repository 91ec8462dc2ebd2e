using System.Runtime.InteropServices;

namespace Lamina.Sandbox.Host;

/// <summary>The few libc calls the sandbox host side needs (x86-64 Linux): the one place Lamina.Sandbox declares P/Invokes.</summary>
internal static partial class Libc
{
    public const ulong MsRdonly = 1;
    public const ulong MsNosuid = 2;
    public const ulong MsNodev = 4;
    public const ulong MsNoexec = 8;
    public const int MntDetach = 2;
    public const int Einval = 22;
    public const int Enoent = 2;
    public const ulong MsRec = 0x4000;
    public const ulong MsPrivate = 0x40000;
    public const int CloneFs = 0x200;
    public const int CloneNewns = 0x20000;
    public const int OReadOnlyCloexec = 0x80000; // O_RDONLY | O_CLOEXEC
    private const long SysPidfdOpen = 434;
    private const short PollIn = 1;

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mount(string source, string target, string? fstype, ulong flags, string? data);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int umount2(string target, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial long syscall(long number, int pid, uint flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int poll(ref PollFd fds, ulong nfds, int timeout);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int kill(int pid, int signal);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int unshare(int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int setns(int fd, int nstype);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int chown(string path, uint uid, uint gid);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int lchown(string path, uint uid, uint gid);

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    /// <summary>A pidfd for any process (not only our children), or -1 when it is already gone.</summary>
    public static int PidfdOpen(int pid) => (int)syscall(SysPidfdOpen, pid, 0);

    /// <summary>Waits until the pidfd's process exits; false on timeout.</summary>
    public static bool WaitReadable(int fd, int timeoutMs)
    {
        var p = new PollFd { Fd = fd, Events = PollIn };
        return poll(ref p, 1, timeoutMs) > 0;
    }

    /// <summary>The last errno as text, for error messages.</summary>
    public static string LastError() => Marshal.GetLastPInvokeErrorMessage();

    // memfd_create(2) flags and file seals (<linux/memfd.h>, <linux/fcntl.h>): the sealed runtime copy (Runc/RuntimeExecutable).
    public const uint MfdCloexec = 0x1;
    public const uint MfdAllowSealing = 0x2;
    public const uint MfdExec = 0x10;
    public const int FAddSeals = 1033;
    public const int FGetSeals = 1034;
    public const int FSealSeal = 0x1;
    public const int FSealShrink = 0x2;
    public const int FSealGrow = 0x4;
    public const int FSealWrite = 0x8;

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int memfd_create(string name, uint flags);

    /// <summary>fcntl with an int argument (F_ADD_SEALS, F_GET_SEALS).</summary>
    [LibraryImport("libc", SetLastError = true)]
    public static partial int fcntl(int fd, int cmd, int arg);
}
