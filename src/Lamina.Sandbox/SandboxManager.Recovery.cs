using Lamina.Sandbox.Host;
using Lamina.Sandbox.Runc;

namespace Lamina.Sandbox;

/// <summary>What <see cref="SandboxManager.RecoverAsync"/> found and removed.</summary>
/// <param name="SandboxIds">Ids of leftover sandboxes (from runc or crun state, sandbox dirs or cgroups).</param>
/// <param name="Problems">Things that could not be removed; empty when the host is clean.</param>
public sealed record RecoveryReport(IReadOnlyList<string> SandboxIds, IReadOnlyList<string> Problems);

public sealed partial class SandboxManager
{
    /// <summary>
    /// Finds sandboxes a previous process left behind — containers in the runc and crun state roots,
    /// directories under sandboxes/, cgroups under the parent, mounts under the data directory —
    /// and removes each with the same steps as destroy. Sandboxes this manager created are kept.
    /// </summary>
    public async Task<RecoveryReport> RecoverAsync()
    {
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        // Which runtime's state root holds each id: a server that ran with crun and restarts with runc (or the
        // reverse) still removes the other runtime's containers, with that runtime when it is installed.
        var owners = new Dictionary<string, RuncCli>(StringComparer.Ordinal);
        foreach (var runtime in OciRuntimes.All.OrderBy(r => r != Options.Runtime))
        {
            var root = Layout.RuntimeRoot(runtime);
            if (!Directory.Exists(root)) continue;
            var cli = runtime == Options.Runtime ? _runc : new RuncCli(Options.PathOf(runtime), root);
            var found = (await cli.ListAsync()).Concat(Directory.GetDirectories(root).Select(Path.GetFileName)!);
            foreach (var id in found) owners.TryAdd(id!, cli);
        }
        ids.UnionWith(owners.Keys);
        if (Directory.Exists(Layout.SandboxesDirectory))
            ids.UnionWith(Directory.GetDirectories(Layout.SandboxesDirectory).Select(Path.GetFileName)!);
        ids.UnionWith(Cgroups.ChildIds(Options.CgroupParent));
        ids.ExceptWith(_sandboxes.Keys);

        var problems = new List<string>();
        foreach (var id in ids)
        {
            // Names that could not come from us are not ours to kill.
            if (SandboxRequestValidator.IsValidId(id) && await CleanupAsync(id, owners.GetValueOrDefault(id, _runc)) is { } error)
                problems.Add(error.Message);
        }
        // Mounts under the sandboxes dir whose directory name was not an id (should not happen).
        foreach (var point in MountTable.Under(Layout.SandboxesDirectory))
        {
            var owner = Path.GetRelativePath(Layout.SandboxesDirectory, point).Split('/')[0];
            if (!_sandboxes.ContainsKey(owner)) problems.AddRange(RootFs.UnmountAll(point));
        }
        if (_sandboxes.IsEmpty) Cgroups.RemoveParentIfEmpty(Options.CgroupParent);
        return new RecoveryReport(ids.ToList(), problems);
    }
}
