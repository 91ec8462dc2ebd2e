using System.Runtime.InteropServices;

namespace Lamina.Bench.Sandbox;

/// <summary>A named pipe the probe writes one byte to once it runs.</summary>
internal static partial class Fifo
{
    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mkfifo(string path, uint mode);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int chmod(string path, uint mode);

    /// <summary>Creates the fifo (writable by the sandbox user) and reads one byte on a worker thread.</summary>
    public static Task ReadOneByteAsync(string path)
    {
        if (mkfifo(path, 0x1B6) != 0 || chmod(path, 0x1B6) != 0)
            throw new IOException("mkfifo " + path + ": " + Marshal.GetLastPInvokeErrorMessage());
        return Task.Factory.StartNew(() =>
        {
            using var f = new FileStream(path, FileMode.Open, FileAccess.Read);
            if (f.ReadByte() < 0) throw new IOException("fifo closed without a byte");
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }
}
