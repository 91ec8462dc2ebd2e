namespace Lamina.Scheduler;

/// <summary>
/// Spares in the host's memory budget (<see cref="SchedulerSettings.MemoryLimitMb"/>): a spare's cgroup allows its
/// function's MemorySize, and the runtime's init grows into it the moment an invoke takes it, so a spare holds that
/// share of the budget from the moment it is asked for until it is taken (the share moves to the environment the
/// admission reserved) or destroyed. Environments and spares together stay within the budget, with one rule:
/// spares yield to demand. A cold start that finds no room beside the spares evicts other pools' ready spares,
/// oldest first, instead of being throttled; a new spare is made only into room that is free. (Spares still in
/// the making cannot be evicted: until they are made, a cold start may take the budget past them.)
/// </summary>
public sealed partial class Scheduler
{
    // MemorySize held by spares ready or in the making; with _liveMemoryMb, what the budget counts.
    private long _spareMemoryMb;

    /// <summary>MB of the memory budget held by spares, ready or in the making (tests and the bench read it).</summary>
    public long SpareMemoryMb
    {
        get { lock (_lock) return _spareMemoryMb; }
    }

    /// <summary>How many of <paramref name="wanted"/> spares of <paramref name="memoryMb"/> fit in the free budget. Call under the lock.</summary>
    private int AffordableSpares(int wanted, int memoryMb)
    {
        var room = _settings.MemoryLimitMb - _liveMemoryMb - _spareMemoryMb;
        return (int)Math.Clamp(room / Math.Max(memoryMb, 1), 0, wanted);
    }

    /// <summary>
    /// The ready spares of pools other than <paramref name="key"/> that must go so an environment of
    /// <paramref name="memoryMb"/> fits beside the spares, oldest first; removed from their pools here, destroyed
    /// by the caller outside the lock (<see cref="DiscardSpares"/> returns their share). Call under the lock.
    /// </summary>
    private List<Spare> EvictSparesFor(PoolKey key, int memoryMb)
    {
        List<Spare> evicted = [];
        var excess = _liveMemoryMb + memoryMb + _spareMemoryMb - _settings.MemoryLimitMb;
        // The cold start takes its own pool's oldest ready spare if there is one: that share moves, it is not added.
        if (excess > 0 && _pools.TryGetValue(key, out var own) && own.Spares.Count > 0) excess -= own.Spares[0].MemoryMb;
        if (excess <= 0) return evicted;
        var candidates = _pools.Values.Where(p => p.Key != key)
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
        return evicted;
    }
}
