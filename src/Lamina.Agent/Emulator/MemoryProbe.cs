using System.Globalization;

namespace Lamina.Agent.Emulator;

/// <summary>
/// Reads peak resident memory (VmHWM) from /proc for a process tree. Inside a Lamina sandbox the
/// cgroup's peak is the truer figure; in emulator mode on a shared host the process tree is.
/// </summary>
internal static class MemoryProbe
{
    public static int PeakMegabytes(int rootPid)
    {
        long kilobytes = 0;
        var pending = new Stack<int>();
        pending.Push(rootPid);
        var seen = 0;
        while (pending.Count > 0 && seen++ < 1024)
        {
            var pid = pending.Pop();
            kilobytes += PeakKilobytes(pid);
            foreach (var child in Children(pid))
            {
                pending.Push(child);
            }
        }
        return (int)Math.Ceiling(kilobytes / 1024.0);
    }

    private static long PeakKilobytes(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var digits = line.AsSpan(6).Trim().TrimEnd("kB").Trim();
                    return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var kb) ? kb : 0;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return 0;
    }

    private static IEnumerable<int> Children(int pid)
    {
        string text;
        try
        {
            // Needs CONFIG_PROC_CHILDREN (standard on distribution kernels); threads other than the main one are rare parents.
            text = File.ReadAllText($"/proc/{pid}/task/{pid}/children");
        }
        catch (IOException)
        {
            yield break;
        }
        catch (UnauthorizedAccessException)
        {
            yield break;
        }
        foreach (var part in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var child))
            {
                yield return child;
            }
        }
    }
}
