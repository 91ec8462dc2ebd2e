using System.Runtime.InteropServices;

namespace Lamina.Build.Layers;

/// <summary>What a layer needs of lstat(2): type and permission bits, owner, device number, inode, links, mtime.</summary>
internal readonly record struct FileStatus(uint Mode, uint Uid, uint Gid, ulong Rdev, ulong Device, ulong Inode, ulong Links, long MtimeSeconds)
{
    public const uint TypeMask = 0xF000, Directory = 0x4000, Regular = 0x8000, Symlink = 0xA000, CharDevice = 0x2000, Fifo = 0x1000;

    public uint Type => Mode & TypeMask;

    public int Permissions => (int)(Mode & 0xFFF);
}

/// <summary>lstat and lgetxattr, which .NET does not expose with owners and device numbers.</summary>
internal static unsafe partial class FileSystemCalls
{
    // struct stat on x86-64 glibc: 144 bytes.
    [StructLayout(LayoutKind.Sequential)]
    private struct Stat
    {
        public ulong Dev, Ino, Nlink;
        public uint Mode, Uid, Gid, Pad0;
        public ulong Rdev;
        public long Size, Blksize, Blocks, Atime, AtimeNsec, Mtime, MtimeNsec, Ctime, CtimeNsec;
        public long Reserved0, Reserved1, Reserved2;
    }

    [LibraryImport("libc", EntryPoint = "lstat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LstatNative(string path, Stat* buffer);

    [LibraryImport("libc", EntryPoint = "lgetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint LgetxattrNative(string path, string name, byte* value, nuint size);

    /// <summary>lstat(2); throws IOException naming the path on failure.</summary>
    public static FileStatus Lstat(string path)
    {
        Stat st;
        if (LstatNative(path, &st) != 0)
            throw new IOException($"lstat {path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        return new FileStatus(st.Mode, st.Uid, st.Gid, st.Rdev, st.Dev, st.Ino, st.Nlink, st.Mtime);
    }

    /// <summary>The value of an extended attribute of the path itself (never a symlink's target), or null.</summary>
    public static string? GetXattr(string path, string name)
    {
        var buffer = stackalloc byte[256];
        var n = LgetxattrNative(path, name, buffer, 256);
        return n < 0 ? null : System.Text.Encoding.UTF8.GetString(buffer, (int)n);
    }
}
