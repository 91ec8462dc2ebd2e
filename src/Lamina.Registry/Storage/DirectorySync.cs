using System.Runtime.InteropServices;
using System.Text;

namespace Lamina.Registry.Storage;

/// <summary>
/// fsync of a directory, which .NET does not expose: after a rename the new directory entry is only
/// durable once the directory itself is synced (POSIX). Best effort on file systems that refuse it.
/// </summary>
internal static partial class DirectorySync
{
    private const int ORdOnly = 0;
    private const int ODirectory = 0x10000; // Linux x86-64 and arm64

    public static void Sync(string directory)
    {
        var path = Encoding.UTF8.GetBytes(directory + "\0");
        var fd = Open(path, ORdOnly | ODirectory);
        if (fd < 0) return;
        try
        {
            _ = FSync(fd);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open(byte[] path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int FSync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
