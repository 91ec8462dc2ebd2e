using System.Runtime.InteropServices;

namespace Lamina.Images.Native;

/// <summary>
/// The few libc calls .NET does not expose without following symbolic links: lstat, mknod,
/// lchown, link, l*xattr, utimensat(AT_SYMLINK_NOFOLLOW) and syncfs. Every call here acts on the
/// final path component itself, never on what a symlink there points to.
/// </summary>
internal static unsafe partial class LibC
{
    public const int ENOENT = 2;
    public const int EEXIST = 17;
    public const int AT_FDCWD = -100;
    public const int AT_SYMLINK_NOFOLLOW = 0x100;
    public const uint S_IFMT = 0xF000;
    public const uint S_IFDIR = 0x4000;
    public const uint S_IFREG = 0x8000;
    public const uint S_IFLNK = 0xA000;
    public const uint S_IFCHR = 0x2000;
    public const uint S_IFIFO = 0x1000;

    [LibraryImport("libc", EntryPoint = "lstat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LstatRaw(string path, byte* buffer);

    [LibraryImport("libc", EntryPoint = "mknod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Mknod(string path, uint mode, ulong dev);

    [LibraryImport("libc", EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Lchown(string path, int uid, int gid);

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Link(string existing, string newPath);

    [LibraryImport("libc", EntryPoint = "lsetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Lsetxattr(string path, string name, byte* value, nuint size, int flags);

    [LibraryImport("libc", EntryPoint = "lgetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint Lgetxattr(string path, string name, byte* value, nuint size);

    [LibraryImport("libc", EntryPoint = "utimensat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Utimensat(int dirfd, string path, long* times, int flags);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static partial int Syncfs(int fd);

    public static int LastError => Marshal.GetLastPInvokeError();

    /// <summary>lstat: the type bits, mode, owner and device number of the path itself; null when it does not exist.</summary>
    public static FileStat? Lstat(string path)
    {
        var buffer = stackalloc byte[256];
        if (LstatRaw(path, buffer) != 0)
        {
            var errno = LastError;
            if (errno is ENOENT or 20 /* ENOTDIR */) return null;
            throw new IOException($"lstat '{path}' failed: errno {errno}");
        }
        // struct stat differs between x86-64 and the generic layout (arm64) used by glibc.
        return RuntimeInformation.ProcessArchitecture == Architecture.X64
            ? new FileStat(*(uint*)(buffer + 24), *(uint*)(buffer + 28), *(uint*)(buffer + 32), *(ulong*)(buffer + 40), *(long*)(buffer + 48), *(ulong*)(buffer + 8))
            : new FileStat(*(uint*)(buffer + 16), *(uint*)(buffer + 24), *(uint*)(buffer + 28), *(ulong*)(buffer + 32), *(long*)(buffer + 48), *(ulong*)(buffer + 8));
    }

    /// <summary>Sets atime and mtime of the path itself (a symlink is not followed).</summary>
    public static void SetTimesNoFollow(string path, DateTimeOffset mtime)
    {
        var seconds = mtime.ToUnixTimeSeconds();
        var nanos = (mtime.UtcTicks % TimeSpan.TicksPerSecond) * 100;
        var times = stackalloc long[4] { seconds, nanos, seconds, nanos };
        if (Utimensat(AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW) != 0)
            throw new IOException($"utimensat '{path}' failed: errno {LastError}");
    }

    public static void SetXattrNoFollow(string path, string name, ReadOnlySpan<byte> value)
    {
        fixed (byte* p = value)
        {
            if (Lsetxattr(path, name, p, (nuint)value.Length, 0) != 0)
                throw new IOException($"lsetxattr '{name}' on '{path}' failed: errno {LastError}");
        }
    }

    /// <summary>The value of an extended attribute of the path itself, or null when it is absent.</summary>
    public static byte[]? GetXattrNoFollow(string path, string name)
    {
        var buffer = new byte[4096];
        fixed (byte* p = buffer)
        {
            var n = Lgetxattr(path, name, p, (nuint)buffer.Length);
            return n < 0 ? null : buffer[..(int)n];
        }
    }

    /// <summary>Flushes the file system holding <paramref name="path"/> so a rename that follows publishes durable content.</summary>
    public static void SyncFileSystem(string path)
    {
        var fd = Open(path, 0x10000 /* O_DIRECTORY */);
        if (fd < 0) throw new IOException($"open '{path}' failed: errno {LastError}");
        try
        {
            if (Syncfs(fd) != 0) throw new IOException($"syncfs '{path}' failed: errno {LastError}");
        }
        finally
        {
            _ = Close(fd);
        }
    }
}

/// <summary>What lstat says about a path.</summary>
internal readonly record struct FileStat(uint Mode, uint Uid, uint Gid, ulong Rdev, long Size, ulong Inode)
{
    public uint Type => Mode & LibC.S_IFMT;
    public bool IsDirectory => Type == LibC.S_IFDIR;
    public bool IsSymlink => Type == LibC.S_IFLNK;
    public bool IsRegular => Type == LibC.S_IFREG;
}
