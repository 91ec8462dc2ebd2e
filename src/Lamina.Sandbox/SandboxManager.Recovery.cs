using Lamina.Sandbox.Host;
using Lamina.Sandbox.Runc;

namespace Lamina.Sandbox;

/// <summary>What <see cref="SandboxManager.RecoverAsync"/> found and removed.</summary>
/// <param name="SandboxIds">Ids of leftover sandboxes (from runc or crun state, sandbox dirs or cgroups).</param>
/// <param name="Problems">Things that could not be removed; empty when the host is clean.</param>
public sealed record RecoveryReport(IReadOnlyList<string> SandboxIds, IReadOnlyList<string> Problems);

public sealed partial class SandboxManager
{
    // The latest recovery (one at a time, each after the one before): every create waits for it (CreateAsync).
    private readonly Lock _recoveryLock = new();
    private volatile Task _recovery = Task.CompletedTask;

    /// <summary>Test hook: awaited after recovery has listed the ids on the host and before it removes any.</summary>
    internal Func<Task>? AfterRecoveryListed { get; set; }

    /// <summary>
    /// Finds sandboxes a previous process left behind — containers in the runc and crun state roots,
    /// directories under sandboxes/, cgroups under the parent, mounts under the data directory —
    /// and removes each with the same steps as destroy. Sandboxes this manager created are kept.
    /// <see cref="CreateAsync"/> waits while a recovery runs, so no sandbox of this process comes into
    /// existence between the listing and the removal (the host starts its async queue and prewarming
    /// beside recovery; they may ask for sandboxes at once).
    /// </summary>
    public Task<RecoveryReport> RecoverAsync()
    {
        lock (_recoveryLock)
        {
            var run = RecoverAfterAsync(_recovery);
            _recovery = run;
            return run;
        }
    }

    private async Task<RecoveryReport> RecoverAfterAsync(Task previous)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await Task.Yield(); // not under _recoveryLock
        return await RecoverCoreAsync();
    }

    private async Task<RecoveryReport> RecoverCoreAsync()
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
        if (AfterRecoveryListed is { } listed) await listed();

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

    /// <summary>
    /// At a clean stop, after every sandbox is destroyed: removes the cgroup parent from every hierarchy when
    /// this manager holds no sandbox and the parent has no child left (runc creates the parent, nothing else
    /// removes it). Does nothing while a sandbox exists; safe to call more than once.
    /// </summary>
    public void ReleaseCgroupParent()
    {
        if (_sandboxes.IsEmpty) Cgroups.RemoveParentIfEmpty(Options.CgroupParent);
    }
}
