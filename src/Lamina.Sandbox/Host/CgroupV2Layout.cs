using System.Globalization;

namespace Lamina.Sandbox.Host;

/// <summary>
/// cgroup v2 ("unified"): one hierarchy, each sandbox one directory root/parent/id. Counters come from
/// memory.events (oom_kill), pids.events (max) and memory.peak; the CFS quota is cpu.max ("quota period").
/// Freeze, thaw and kill are in <c>CgroupV2Layout.Processes.cs</c>.
/// </summary>
/// <remarks>
/// v2 gives a cgroup only the controllers its parent enables in cgroup.subtree_control, so the parent enables
/// <see cref="RequiredControllers"/> for its children before a sandbox is created (runc and crun enable what
/// their own path needs too; doing it here makes a refusal an error that names the controller). The root is a
/// constructor argument so tests can point it at a real cgroup2 mount that is not /sys/fs/cgroup.
/// </remarks>
/// <param name="root">The cgroup2 mount (the host's /sys/fs/cgroup).</param>
/// <param name="requiredControllers">Controllers the sandboxes' limits need; null: memory, pids and cpu.</param>
internal sealed partial class CgroupV2Layout(string root, IReadOnlyList<string>? requiredControllers = null) : CgroupLayout
{
    /// <summary>memory (limit, OOM count, peak), pids (limit, refused forks), cpu (quota, weight).</summary>
    public static readonly IReadOnlyList<string> DefaultRequiredControllers = ["memory", "pids", "cpu"];

    /// <summary>The cgroup2 mount this layout works under.</summary>
    public string Root { get; } = root;

    /// <summary>The controllers enabled for the sandboxes.</summary>
    public IReadOnlyList<string> RequiredControllers { get; } = requiredControllers ?? DefaultRequiredControllers;

    /// <inheritdoc />
    public override bool Unified => true;

    /// <summary>The sandbox's cgroup directory.</summary>
    public string SandboxDirectory(string parent, string id) => Path.Combine(Root, parent, id);

    /// <inheritdoc />
    public override string? CheckHost()
    {
        var file = Path.Combine(Root, "cgroup.controllers");
        string[] offered;
        try { offered = File.ReadAllText(file).Split(WordSeparators, StringSplitOptions.RemoveEmptyEntries); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cgroup v2: cannot read {file}: {e.Message}";
        }
        var missing = RequiredControllers.Where(c => !offered.Contains(c, StringComparer.Ordinal)).ToList();
        if (missing.Count == 0) return null;
        return $"cgroup v2: the {string.Join(", ", missing.Select(c => $"'{c}'"))} controller{(missing.Count > 1 ? "s are" : " is")} " +
            $"not offered at {Root} (cgroup.controllers: '{string.Join(' ', offered)}'); sandboxes need " +
            $"{string.Join(", ", RequiredControllers)} for their limits. Enable them in the parent's cgroup.subtree_control " +
            "or run Lamina in a delegated subtree that has them (docs/sandbox.md, \"cgroup v2\").";
    }

    /// <inheritdoc />
    public override string? PrepareParent(string parent)
    {
        var dir = Path.Combine(Root, parent);
        try
        {
            EnableForChildren(Root);
            Directory.CreateDirectory(dir);
            EnableForChildren(dir);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot prepare the cgroup parent {dir} (+{string.Join(" +", RequiredControllers)} in cgroup.subtree_control): {e.Message}";
        }
    }

    // Writes only what is not enabled yet: a write is refused once the cgroup has processes of its own ("no
    // internal processes"), and the host's root usually has them all on already (systemd enables them).
    private void EnableForChildren(string dir)
    {
        var file = Path.Combine(dir, "cgroup.subtree_control");
        var enabled = File.ReadAllText(file).Split(WordSeparators, StringSplitOptions.RemoveEmptyEntries);
        var wanted = RequiredControllers.Where(c => !enabled.Contains(c, StringComparer.Ordinal)).ToList();
        if (wanted.Count > 0) File.WriteAllText(file, string.Join(' ', wanted.Select(c => "+" + c)));
    }

    /// <inheritdoc />
    /// <remarks>memory.swap.max exists in a non-root cgroup with the memory controller unless swapaccount=0; runc
    /// refuses a swap limit it cannot write, and a sandbox must not swap (Lambda has none).</remarks>
    public override bool? SwapAccounting(string parent) => File.Exists(Path.Combine(Root, parent, "memory.swap.max"));

    /// <inheritdoc />
    public override List<string> Directories(string parent, string id) =>
        Directory.Exists(SandboxDirectory(parent, id)) ? [SandboxDirectory(parent, id)] : [];

    /// <inheritdoc />
    public override HashSet<string> ChildIds(string parent)
    {
        var dir = Path.Combine(Root, parent);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        try { ids.UnionWith(Directory.GetDirectories(dir).Select(Path.GetFileName)!); }
        catch (DirectoryNotFoundException) { }
        return ids;
    }

    /// <inheritdoc />
    public override long OomKillCount(string parent, string id) =>
        CgroupV1.ReadCounter(Path.Combine(SandboxDirectory(parent, id), "memory.events"), "oom_kill");

    /// <inheritdoc />
    public override long PidsLimitHits(string parent, string id) =>
        CgroupV1.ReadCounter(Path.Combine(SandboxDirectory(parent, id), "pids.events"), "max");

    /// <inheritdoc />
    public override long? PeakMemoryBytes(string parent, string id)
    {
        // memory.peak: kernel 5.19+; older kernels have no high-water mark in v2 (null, as for an unreadable v1 file).
        try
        {
            var text = File.ReadAllText(Path.Combine(SandboxDirectory(parent, id), "memory.peak")).Trim();
            return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) ? bytes : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    /// <inheritdoc />
    public override async Task<string?> WriteCpuQuotaAsync(string parent, string id, long quotaUs)
    {
        var file = Path.Combine(SandboxDirectory(parent, id), "cpu.max");
        var quota = quotaUs < 0 ? "max" : quotaUs.ToString(CultureInfo.InvariantCulture);
        var line = $"{quota} {CpuLimits.PeriodUs.ToString(CultureInfo.InvariantCulture)}";
        try
        {
            await File.WriteAllTextAsync(file, line);
            var back = (await File.ReadAllTextAsync(file)).Trim();
            return back == line ? null : $"{file} reads {back} after {line} was written";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot write {file}: {e.Message}";
        }
    }

    /// <inheritdoc />
    public override void RemoveParentIfEmpty(string parent)
    {
        var dir = Path.Combine(Root, parent);
        if (Directory.Exists(dir) && Directory.GetDirectories(dir).Length == 0) CgroupV1.TryRmdir(dir);
    }

    /// <inheritdoc />
    public override List<string> ParentDirectories(string parent) =>
        Directory.Exists(Path.Combine(Root, parent)) ? [Path.Combine(Root, parent)] : [];

    /// <inheritdoc />
    public override string ControlFile(string parent, string id, string controller, string file) =>
        Path.Combine(SandboxDirectory(parent, id), file);

    /// <inheritdoc />
    public override bool? Frozen(string parent, string id)
    {
        var events = Path.Combine(SandboxDirectory(parent, id), "cgroup.events");
        return File.Exists(events) ? CgroupV1.ReadCounter(events, "frozen") == 1 : null;
    }

    /// <inheritdoc />
    public override long? CpuQuotaUs(string parent, string id) =>
        ParseQuota(ReadFirstWord(Path.Combine(SandboxDirectory(parent, id), "cpu.max")));
}
