using System.Runtime.InteropServices;

namespace Lamina.Sandbox.Host;

/// <summary>
/// The cgroup operations Lamina performs itself (runc/crun create and delete the sandbox cgroups and write the
/// limits), over either host layout: cgroup v1 (one hierarchy per controller under /sys/fs/cgroup, what this
/// machine and CI run) or cgroup v2 "unified" (one cgroup2 hierarchy at /sys/fs/cgroup: Debian 12 with systemd).
/// The layout is chosen once per process from the file system type of /sys/fs/cgroup (<see cref="Host"/>);
/// runc and crun make the same choice, so both sides agree on where a sandbox's cgroup lives: /parent/id under
/// every v1 hierarchy, or the one directory root/parent/id on v2.
/// </summary>
/// <remarks>
/// Every method takes the parent name and the sandbox id, never a path from outside: failures come back as
/// values (null / false / a message) and counters read 0 (or null) when unknown, as the v1 code always did.
/// </remarks>
internal abstract partial class CgroupLayout
{
    /// <summary>statfs(2) f_type of a cgroup2 mount (CGROUP2_SUPER_MAGIC, linux/magic.h).</summary>
    public const long Cgroup2SuperMagic = 0x63677270;

    /// <summary>Where the host mounts its cgroups.</summary>
    public const string HostRoot = "/sys/fs/cgroup";

    private static readonly Lazy<CgroupLayout> Detected = new(() => Detect(HostRoot));

    /// <summary>This host's layout, detected on first use and kept for the life of the process.</summary>
    public static CgroupLayout Host => Detected.Value;

    /// <summary>v2 when <paramref name="root"/> is a cgroup2 mount, else v1 (the v1 code reads /sys/fs/cgroup itself).</summary>
    public static CgroupLayout Detect(string root) =>
        IsUnified(root) ? new CgroupV2Layout(root) : CgroupV1Layout.Instance;

    /// <summary>True when <paramref name="path"/> is on a cgroup2 file system (false when it cannot be read).</summary>
    public static unsafe bool IsUnified(string path)
    {
        // struct statfs on 64-bit Linux starts with the f_type word; 256 bytes covers the whole struct (120).
        var buffer = stackalloc long[32];
        return statfs(path, buffer) == 0 && buffer[0] == Cgroup2SuperMagic;
    }

    /// <summary>True for the cgroup v2 layout.</summary>
    public abstract bool Unified { get; }

    /// <summary>
    /// Why sandboxes cannot be limited on this host (a required controller the root does not offer), or null.
    /// Reads only; the manager calls it at construction so a host that cannot work fails at start.
    /// </summary>
    public abstract string? CheckHost();

    /// <summary>Makes the parent ready for sandbox cgroups (v2: created, controllers enabled for its children).</summary>
    /// <returns>Null on success, else why not.</returns>
    public abstract string? PrepareParent(string parent);

    /// <summary>
    /// Whether the kernel accounts swap for sandboxes under the (prepared) parent, so the spec may limit swap;
    /// null on v1, where the spec builder decides from memory.memsw.limit_in_bytes as it always has.
    /// </summary>
    public abstract bool? SwapAccounting(string parent);

    /// <summary>Every existing cgroup directory of the sandbox.</summary>
    public abstract List<string> Directories(string parent, string id);

    /// <summary>Sandbox ids with a cgroup directory under the parent.</summary>
    public abstract HashSet<string> ChildIds(string parent);

    /// <summary>Processes the kernel's OOM killer killed in the sandbox (0 when unknown).</summary>
    public abstract long OomKillCount(string parent, string id);

    /// <summary>How often the pids limit refused a fork in the sandbox (0 when unknown).</summary>
    public abstract long PidsLimitHits(string parent, string id);

    /// <summary>The sandbox's memory high-water mark in bytes, or null when it cannot be read.</summary>
    public abstract long? PeakMemoryBytes(string parent, string id);

    /// <summary>Freezes every process of the sandbox; null on success, else why not (the group is thawed again).</summary>
    public abstract Task<string?> FreezeAsync(string parent, string id, TimeSpan timeout);

    /// <summary>Thaws the sandbox; null on success, else why not.</summary>
    public abstract Task<string?> ThawAsync(string parent, string id);

    /// <summary>Kills every process of the sandbox, keeping its cgroups; true once none is left, false on timeout.</summary>
    public abstract Task<bool> KillAllAsync(string parent, string id, TimeSpan timeout);

    /// <summary>Kills every process and removes the sandbox's cgroups; the directories that could not be removed.</summary>
    public abstract Task<List<string>> KillAndRemoveAsync(string parent, string id, TimeSpan timeout);

    /// <summary>Removes the parent when no sandbox cgroup is left under it (best effort).</summary>
    public abstract void RemoveParentIfEmpty(string parent);

    /// <summary>Every existing directory of the parent itself (v1: one per hierarchy; v2: at most one).</summary>
    public abstract List<string> ParentDirectories(string parent);

    /// <summary>
    /// Where the sandbox's control file <paramref name="file"/> of <paramref name="controller"/> lives (v1: under that
    /// controller's hierarchy; v2: the one sandbox directory, where the controller plays no part). File names differ
    /// between the layouts (v1 memory.limit_in_bytes, v2 memory.max): the caller names the one its layout has.
    /// </summary>
    public abstract string ControlFile(string parent, string id, string controller, string file);

    /// <summary>Whether the sandbox reads frozen (v1 freezer.state FROZEN, v2 cgroup.events "frozen 1"); null when unreadable.</summary>
    public abstract bool? Frozen(string parent, string id);

    /// <summary>The sandbox's CFS quota in µs per period, -1 for none (v2 "max"); null when unreadable.</summary>
    public abstract long? CpuQuotaUs(string parent, string id);

    /// <summary>Sets the sandbox's CFS quota (µs per <see cref="CpuLimits.PeriodUs"/>) and reads it back; null on success.</summary>
    public abstract Task<string?> WriteCpuQuotaAsync(string parent, string id, long quotaUs);

    /// <summary>The pids listed in <paramref name="dir"/>/cgroup.procs (empty when it cannot be read).</summary>
    public static List<int> Pids(string dir) => CgroupV1.Pids(dir);

    /// <summary>
    /// What separates the words of a cgroup file. An array, not Split(' ', '\n', options): that binds to
    /// Split(char, int count, options) with count 10, leaving the newline on the last word.
    /// </summary>
    internal static readonly char[] WordSeparators = [' ', '\n'];

    /// <summary>The first word of <paramref name="file"/>, or null when it cannot be read.</summary>
    protected static string? ReadFirstWord(string file)
    {
        try { return File.ReadAllText(file).Split(WordSeparators, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>A quota word as µs: "max" (v2) and -1 (v1) both mean none; null when neither a number nor "max".</summary>
    internal static long? ParseQuota(string? word) =>
        word == "max" ? -1
        : long.TryParse(word, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var us) ? us
        : null;

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int statfs(string path, long* buffer);
}
