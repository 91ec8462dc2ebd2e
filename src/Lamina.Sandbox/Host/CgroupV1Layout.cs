namespace Lamina.Sandbox.Host;

/// <summary>
/// cgroup v1: the existing v1 code (<see cref="CgroupV1"/>, <see cref="Freezer"/>, <see cref="CgroupKill"/>,
/// <see cref="CfsQuota"/>) behind <see cref="CgroupLayout"/>, unchanged: every call goes straight through.
/// runc creates the parent under each hierarchy itself, and v1 has no controller to enable for children.
/// </summary>
internal sealed class CgroupV1Layout : CgroupLayout
{
    /// <summary>The one instance (v1 reads the fixed /sys/fs/cgroup hierarchies).</summary>
    public static CgroupV1Layout Instance { get; } = new();

    private CgroupV1Layout() { }

    /// <inheritdoc />
    public override bool Unified => false;

    /// <inheritdoc />
    public override string? CheckHost() => null;

    /// <inheritdoc />
    public override string? PrepareParent(string parent) => null;

    /// <inheritdoc />
    public override bool? SwapAccounting(string parent) => null;

    /// <inheritdoc />
    public override List<string> Directories(string parent, string id) => CgroupV1.Directories(parent, id);

    /// <inheritdoc />
    public override HashSet<string> ChildIds(string parent) => CgroupV1.ChildIds(parent);

    /// <inheritdoc />
    public override long OomKillCount(string parent, string id) => CgroupV1.OomKillCount(parent, id);

    /// <inheritdoc />
    public override long PidsLimitHits(string parent, string id) => CgroupV1.PidsLimitHits(parent, id);

    /// <inheritdoc />
    public override long? PeakMemoryBytes(string parent, string id) => CgroupKill.MaxMemoryUsageBytes(parent, id);

    /// <inheritdoc />
    public override Task<string?> FreezeAsync(string parent, string id, TimeSpan timeout) => Freezer.FreezeAsync(parent, id, timeout);

    /// <inheritdoc />
    public override Task<string?> ThawAsync(string parent, string id) => Freezer.ThawAsync(parent, id);

    /// <inheritdoc />
    public override Task<bool> KillAllAsync(string parent, string id, TimeSpan timeout) => CgroupKill.KillAllAsync(parent, id, timeout);

    /// <inheritdoc />
    public override Task<List<string>> KillAndRemoveAsync(string parent, string id, TimeSpan timeout) =>
        CgroupV1.KillAndRemoveAsync(parent, id, timeout);

    /// <inheritdoc />
    public override void RemoveParentIfEmpty(string parent) => CgroupV1.RemoveParentIfEmpty(parent);

    /// <inheritdoc />
    public override Task<string?> WriteCpuQuotaAsync(string parent, string id, long quotaUs) => CfsQuota.WriteAsync(parent, id, quotaUs);

    /// <inheritdoc />
    public override List<string> ParentDirectories(string parent) => CgroupV1.ParentDirectories(parent);

    /// <inheritdoc />
    public override string ControlFile(string parent, string id, string controller, string file) =>
        Path.Combine(CgroupV1.Root, controller, parent, id, file);

    /// <inheritdoc />
    public override bool? Frozen(string parent, string id) =>
        ReadFirstWord(ControlFile(parent, id, "freezer", "freezer.state")) is { } state ? state == "FROZEN" : null;

    /// <inheritdoc />
    public override long? CpuQuotaUs(string parent, string id) =>
        ParseQuota(ReadFirstWord(CfsQuota.QuotaFile(parent, id)));
}
