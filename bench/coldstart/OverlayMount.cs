using System.Runtime.InteropServices;

namespace Lamina.Bench.Coldstart;

/// <summary>
/// Times the rootfs mount alone: the same read-only overlay the sandbox mounts (no upperdir), on a
/// scratch directory, then unmounted. SandboxManager's create includes this step; it is not timed apart there.
/// </summary>
internal static partial class OverlayMount
{
    private const ulong MsRdOnly = 1, MsNoSuid = 2, MsNoDev = 4;

    public static double Measure(IReadOnlyList<string> layersTopFirst, string scratch)
    {
        var target = Path.Combine(scratch, "mnt-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(target);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        if (mount("overlay", target, "overlay", MsRdOnly | MsNoSuid | MsNoDev, "lowerdir=" + string.Join(':', layersTopFirst)) != 0)
            throw new InvalidOperationException($"mount overlay failed: errno {Marshal.GetLastPInvokeError()}");
        var ms = clock.Elapsed.TotalMilliseconds;
        umount2(target, 0);
        Directory.Delete(target);
        return ms;
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mount(string source, string target, string type, ulong flags, string data);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int umount2(string target, int flags);
}
