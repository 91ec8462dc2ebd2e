using Lamina.Control.Domain;
using Lamina.Control.Storage;

namespace Lamina.Scheduler;

/// <summary>
/// Provisioned concurrency: the API stores each configuration (IN_PROGRESS); <see cref="ReconcileProvisionedAsync"/>
/// (every second, from <see cref="SchedulerService"/>) keeps that many initialised, frozen environments in the
/// pool of the version the qualifier names, and writes Allocated, Available and Status (READY, or FAILED with the
/// start error) back. Those environments are used before any other idle one and are never reaped for idleness;
/// when a configuration goes or shrinks, the extra idle ones are destroyed and busy ones become on-demand.
/// Spares are not provisioned (no runtime has run in them, and they were made for on-demand invokes): they are
/// never counted as allocated, and they yield their share of the memory budget to provisioned environments.
/// </summary>
public sealed partial class Scheduler
{
    // (function, qualifier, LastModified) of configurations whose allocation failed: not retried until put again.
    private readonly Dictionary<(string, string, DateTimeOffset), string> _provisionFailures = [];

    private sealed record ProvisionTarget(string Function, ProvisionedConcurrencyConfig Config, FunctionConfig? Version);

    /// <summary>Provisioned environments alive now for <paramref name="functionName"/> (idle or busy).</summary>
    public int ProvisionedEnvironmentsOf(string functionName)
    {
        lock (_lock) return _live.Count(e => e.Provisioned && e.Key.FunctionName == functionName);
    }

    /// <summary>One pass: start what is missing, release what is no longer wanted, write each configuration's status.</summary>
    public async Task ReconcileProvisionedAsync(CancellationToken ct = default)
    {
        var targets = _store.Read(s => s.AllProvisioned().Select(p => new ProvisionTarget(p.Function, p.Config, Resolve(s, p.Function, p.Config.Qualifier))).ToList());
        var wanted = new Dictionary<PoolKey, (int Count, FunctionConfig Version)>();
        foreach (var t in targets)
        {
            if (t.Version?.ImageDigest is null || Failed(t) is not null) continue;
            var key = PoolKey.Of(t.Version);
            wanted[key] = (wanted.GetValueOrDefault(key).Count + t.Config.Requested, t.Version);
        }

        // Step 1: release environments no longer wanted (unflag; the idle extras go now).
        List<PooledEnvironment> extra = [];
        var missing = new List<(PoolKey Key, FunctionConfig Version, int Count)>();
        lock (_lock)
        {
            if (_stopped) return;
            foreach (var group in _live.Where(e => e.Provisioned).GroupBy(e => e.Key).ToList())
            {
                var keep = wanted.TryGetValue(group.Key, out var w) ? w.Count : 0;
                // Idle ones go first, so a busy one keeps serving its invoke.
                var pool = _pools.GetValueOrDefault(group.Key);
                foreach (var e in group.OrderBy(e => pool?.IsIdle(e) == true ? 0 : 1).Take(Math.Max(0, group.Count() - keep)))
                {
                    e.Provisioned = false;
                    if (pool is not null && pool.TakeIdle(x => x == e).Count == 1) extra.Add(e);
                }
            }
            foreach (var (key, (count, version)) in wanted)
            {
                var have = _live.Count(e => e.Provisioned && e.Key == key);
                if (have < count) missing.Add((key, version, count - have));
            }
        }
        foreach (var e in extra) Discard(e);

        // Step 2: start what is missing, all at once (they are independent environments).
        var starts = missing.SelectMany(m => Enumerable.Range(0, m.Count).Select(_ => StartProvisionedAsync(m.Version, ct))).ToList();
        var errors = (await Task.WhenAll(starts)).Where(e => e is not null).ToList();
        if (errors.Count > 0)
        {
            // Every configuration that wanted one of the failed pools fails with the first reason.
            foreach (var t in targets.Where(t => t.Version is not null && missing.Any(m => m.Key == PoolKey.Of(t.Version))))
                lock (_lock) _provisionFailures[(t.Function, t.Config.Qualifier, t.Config.LastModified)] = errors[0]!;
        }

        // Step 3: status back to control.db.
        await WriteStatusAsync(targets, ct);
    }

    private async Task<string?> StartProvisionedAsync(FunctionConfig version, CancellationToken ct)
    {
        var key = PoolKey.Of(version);
        List<PooledEnvironment> stale;
        List<Spare> staleSpares;
        lock (_lock)
        {
            if (_stopped) return null;
            // Environments only: spares yield to provisioned environments (any pool's, this one's too).
            if (_liveMemoryMb + version.MemorySize > _settings.MemoryLimitMb)
                return $"Not enough memory on this host for another {version.MemorySize} MB environment (Execution:MemoryLimitMb {_settings.MemoryLimitMb}).";
            CurrentPool(key, version.LastModified, out stale, out staleSpares);
            staleSpares.AddRange(EvictSparesFor(key, version.MemorySize, takesOwnSpare: false));
            _liveMemoryMb += version.MemorySize;
        }
        foreach (var e in stale) Discard(e);
        DiscardSpares(staleSpares);
        var (environment, error) = await StartAsync(version, ct, provisioned: true);
        if (environment is null) return error?.ToString() ?? "The server is shutting down.";
        Release(environment);
        return null;
    }

    private async Task WriteStatusAsync(List<ProvisionTarget> targets, CancellationToken ct)
    {
        // Allocation per pool, handed to the configurations sharing it in order.
        Dictionary<PoolKey, (int Allocated, int Available)> have;
        lock (_lock)
        {
            have = _live.Where(e => e.Provisioned).GroupBy(e => e.Key).ToDictionary(g => g.Key,
                g => (g.Count(), g.Count(e => _pools.GetValueOrDefault(e.Key)?.IsIdle(e) == true)));
        }
        foreach (var t in targets)
        {
            ProvisionedConcurrencyConfig next;
            if (t.Version?.ImageDigest is null)
            {
                next = t.Config with { Allocated = 0, Available = 0, Status = ProvisionedConcurrencyStatus.Failed,
                    StatusReason = $"The version or alias {t.Config.Qualifier} does not exist or has no resolved image." };
            }
            else
            {
                var key = PoolKey.Of(t.Version);
                var (allocated, available) = have.GetValueOrDefault(key);
                var mine = Math.Min(allocated, t.Config.Requested);
                var free = Math.Min(available, mine);
                have[key] = (allocated - mine, available - free);
                var failure = Failed(t);
                next = t.Config with
                {
                    Allocated = mine,
                    Available = free,
                    Status = failure is not null ? ProvisionedConcurrencyStatus.Failed
                        : mine >= t.Config.Requested ? ProvisionedConcurrencyStatus.Ready : ProvisionedConcurrencyStatus.InProgress,
                    StatusReason = failure,
                };
            }
            if (next == t.Config) continue;
            await _store.WriteAsync<bool>(s =>
            {
                // Only the configuration this pass read: a newer put (or a delete) wins.
                if (s.Provisioned(t.Function, t.Config.Qualifier) is not { } current || current.LastModified != t.Config.LastModified) return false;
                s.PutProvisioned(t.Function, next);
                return true;
            }, ct);
        }
    }

    private string? Failed(ProvisionTarget t)
    {
        lock (_lock) return _provisionFailures.GetValueOrDefault((t.Function, t.Config.Qualifier, t.Config.LastModified));
    }

    /// <summary>The published version a qualifier names (a version number, or an alias's primary version); null when gone.</summary>
    private static FunctionConfig? Resolve(ControlSession s, string function, string qualifier)
    {
        if (long.TryParse(qualifier, out var number)) return s.Version(function, number);
        return s.Alias(function, qualifier) is { } alias && long.TryParse(alias.FunctionVersion, out var target) ? s.Version(function, target) : null;
    }
}
