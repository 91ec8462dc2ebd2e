namespace Lamina.Scheduler;

/// <summary>
/// Spares in the host's memory budget (<see cref="SchedulerSettings.MemoryLimitMb"/>): a spare's cgroup allows its
/// function's MemorySize, and the runtime's init grows into it the moment an invoke takes it, so a spare holds that
/// share of the budget from the moment it is asked for until it is taken (the share moves to the environment the
/// admission reserved) or destroyed. Environments and spares together stay within the budget, with one rule:
/// spares yield to environments. A cold start or a provisioned environment that finds no room beside the spares
/// evicts them instead of being throttled or failing: ready spares of other pools first, oldest first, then spares
/// still in the making, whose making is cancelled (the sandbox destroyed, the share returned at once); a new spare
/// is made only into room that is free.
/// </summary>
public sealed partial class Scheduler
{
    // MemorySize held by spares ready or in the making; with _liveMemoryMb, what the budget counts.
    private long _spareMemoryMb;

    // Spares being made, oldest first (evictable until their task takes them off this list).
    private readonly List<SpareInMaking> _sparesInMaking = [];

    /// <summary>MB of the memory budget held by spares, ready or in the making (tests and the bench read it).</summary>
    public long SpareMemoryMb
    {
        get { lock (_lock) return _spareMemoryMb; }
    }

    /// <summary>MB of the memory budget held by environments, started or starting (provisioned ones included).</summary>
    public long LiveMemoryMb
    {
        get { lock (_lock) return _liveMemoryMb; }
    }

    /// <summary>Spares being made now, across pools.</summary>
    public int SparesInMaking
    {
        get { lock (_lock) return _sparesInMaking.Count; }
    }

    /// <summary>Sandbox ids of the spares being made now, across pools (tests read it).</summary>
    internal IReadOnlyList<string> SandboxIdsInMaking()
    {
        lock (_lock) return _sparesInMaking.Select(m => m.Hex[..SandboxIdLength]).ToList();
    }

    /// <summary>
    /// Tests only: when set, a spare that has been made waits for this task before it joins its pool, so a test can
    /// hold it in the making (an eviction still cancels the wait). Never set by the server.
    /// </summary>
    internal Task? HoldSparesMade { get; set; }

    /// <summary>How many of <paramref name="wanted"/> spares of <paramref name="memoryMb"/> fit in the free budget. Call under the lock.</summary>
    private int AffordableSpares(int wanted, int memoryMb)
    {
        var room = _settings.MemoryLimitMb - _liveMemoryMb - _spareMemoryMb;
        return (int)Math.Clamp(room / Math.Max(memoryMb, 1), 0, wanted);
    }

    /// <summary>
    /// Makes room beside the spares for an environment of <paramref name="memoryMb"/> in <paramref name="key"/>'s
    /// pool. Ready spares of other pools (of every pool when <paramref name="takesOwnSpare"/> is false), oldest first,
    /// are removed from their pools and returned, for the caller to destroy outside the lock with
    /// <see cref="DiscardSpares"/> (which returns their share); if that is not enough, spares in the making are
    /// evicted here, other pools' first, newest first (the least work lost): their share returns at once and their
    /// task destroys whatever it made. Call under the lock.
    /// </summary>
    /// <param name="takesOwnSpare">
    /// True for an on-demand cold start, which takes its own pool's oldest ready spare (that share moves, it is not
    /// added); false for a provisioned environment, which never starts from a spare (a spare was made for on-demand
    /// invokes and its environment says so).
    /// </param>
    private List<Spare> EvictSparesFor(PoolKey key, int memoryMb, bool takesOwnSpare = true)
    {
        List<Spare> evicted = [];
        var excess = _liveMemoryMb + memoryMb + _spareMemoryMb - _settings.MemoryLimitMb;
        if (takesOwnSpare && excess > 0 && _pools.TryGetValue(key, out var own) && own.Spares.Count > 0) excess -= own.Spares[0].MemoryMb;
        if (excess <= 0) return evicted;
        var candidates = _pools.Values.Where(p => !takesOwnSpare || p.Key != key)
            .SelectMany(p => p.Spares.Select(s => (Pool: p, Spare: s)))
            .OrderBy(x => x.Spare.Since)
            .ToList();
        foreach (var (pool, spare) in candidates)
        {
            if (excess <= 0) break;
            pool.Spares.Remove(spare);
            evicted.Add(spare);
            excess -= spare.MemoryMb;
        }
        var making = _sparesInMaking.Where(m => !m.Evicted).Reverse().OrderBy(m => m.Key == key ? 1 : 0).ToList();
        foreach (var spare in making)
        {
            if (excess <= 0) break;
            EvictInMaking(spare);
            excess -= spare.MemoryMb;
        }
        return evicted;
    }

    /// <summary>Cancels a spare in the making and returns its share of the budget now. Call under the lock.</summary>
    private void EvictInMaking(SpareInMaking spare)
    {
        if (spare.Evicted) return;
        _spareMemoryMb -= spare.MemoryMb;
        spare.Evict();
    }
}
