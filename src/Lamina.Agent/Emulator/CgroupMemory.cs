using System.Globalization;

namespace Lamina.Agent.Emulator;

/// <summary>
/// Peak memory of the agent's own cgroup: what Lambda reports as Max Memory Used when the agent
/// runs in a dedicated sandbox cgroup (everything in the environment counts, the agent included).
/// cgroup v2: <c>memory.peak</c>; v1: <c>memory.max_usage_in_bytes</c> of the memory controller.
/// Only meaningful when the cgroup is the sandbox's own, so the host opts in
/// (<c>LAMINA_MAX_MEMORY_SOURCE=cgroup</c>); on a shared host the process tree is the truer figure.
/// </summary>
internal sealed class CgroupMemory(string peakFile)
{
    /// <summary>The file read on every REPORT.</summary>
    public string PeakFile { get; } = peakFile;

    /// <summary>The agent's own cgroup peak file, or null when neither version exposes one.</summary>
    public static CgroupMemory? ForSelf() => Locate(ReadOrEmpty("/proc/self/cgroup"), "/sys/fs/cgroup", File.Exists);

    /// <summary>
    /// Finds the peak file for the cgroup membership text of /proc/self/cgroup under
    /// <paramref name="root"/>: v2 (<c>0::/path</c>, unified at the root or at root/unified) first,
    /// then the v1 memory controller (<c>N:…memory…:/path</c> at root/memory).
    /// </summary>
    public static CgroupMemory? Locate(string membership, string root, Func<string, bool> exists)
    {
        string? v1 = null;
        foreach (var line in membership.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split(':', 3);
            if (parts.Length != 3 || !parts[2].StartsWith('/'))
            {
                continue;
            }
            var path = parts[2].TrimEnd('/');
            if (parts[0] == "0" && parts[1].Length == 0)
            {
                foreach (var candidate in new[] { $"{root}{path}/memory.peak", $"{root}/unified{path}/memory.peak" })
                {
                    if (exists(candidate))
                    {
                        return new CgroupMemory(candidate);
                    }
                }
            }
            else if (parts[1].Split(',').Contains("memory"))
            {
                v1 = $"{root}/memory{path}/memory.max_usage_in_bytes";
            }
        }
        return v1 is not null && exists(v1) ? new CgroupMemory(v1) : null;
    }

    /// <summary>The peak in MB (rounded up), or null when the file cannot be read or parsed.</summary>
    public int? PeakMegabytes()
    {
        var text = ReadOrEmpty(PeakFile).Trim();
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes)
            ? (int)Math.Min(int.MaxValue, (bytes + (1 << 20) - 1) >> 20)
            : null;
    }

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
