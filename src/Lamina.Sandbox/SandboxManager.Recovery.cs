using Lamina.Sandbox.Host;

namespace Lamina.Sandbox;

/// <summary>What <see cref="SandboxManager.RecoverAsync"/> found and removed.</summary>
/// <param name="SandboxIds">Ids of leftover sandboxes (from runc state, sandbox dirs or cgroups).</param>
/// <param name="Problems">Things that could not be removed; empty when the host is clean.</param>
public sealed record RecoveryReport(IReadOnlyList<string> SandboxIds, IReadOnlyList<string> Problems);

public sealed partial class SandboxManager
{
    /// <summary>
    /// Finds sandboxes a previous process left behind — containers in the runc state root,
    /// directories under sandboxes/, cgroups under the parent, mounts under the data directory —
    /// and removes each with the same steps as destroy. Sandboxes this manager created are kept.
    /// </summary>
    public async Task<RecoveryReport> RecoverAsync()
    {
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        if (Directory.Exists(Layout.RuncRoot))
        {
            ids.UnionWith(await _runc.ListAsync());
            ids.UnionWith(Directory.GetDirectories(Layout.RuncRoot).Select(Path.GetFileName)!);
        }
        if (Directory.Exists(Layout.SandboxesDirectory))
            ids.UnionWith(Directory.GetDirectories(Layout.SandboxesDirectory).Select(Path.GetFileName)!);
        ids.UnionWith(CgroupV1.ChildIds(Options.CgroupParent));
        ids.ExceptWith(_sandboxes.Keys);

        var problems = new List<string>();
        foreach (var id in ids)
        {
            // Names that could not come from us are not ours to kill.
            if (SandboxRequestValidator.IsValidId(id) && await CleanupAsync(id) is { } error)
                problems.Add(error.Message);
        }
        // Mounts under the sandboxes dir whose directory name was not an id (should not happen).
        foreach (var point in MountTable.Under(Layout.SandboxesDirectory))
        {
            var owner = Path.GetRelativePath(Layout.SandboxesDirectory, point).Split('/')[0];
            if (!_sandboxes.ContainsKey(owner)) problems.AddRange(RootFs.UnmountAll(point));
        }
        if (_sandboxes.IsEmpty) CgroupV1.RemoveParentIfEmpty(Options.CgroupParent);
        return new RecoveryReport(ids.ToList(), problems);
    }
}
