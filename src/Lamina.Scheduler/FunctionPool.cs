namespace Lamina.Scheduler;

/// <summary>
/// The environments of one <see cref="PoolKey"/>. Idle ones are a stack: the most recently used is reused
/// first, so the least recently used age out and the reaper can shrink the pool. A draining pool (its key is
/// no longer current) takes no invokes; its busy environments are destroyed when they finish.
/// Not thread-safe: the scheduler's lock guards it.
/// </summary>
internal sealed class FunctionPool(PoolKey key)
{
    private readonly List<PooledEnvironment> _idle = [];

    public PoolKey Key { get; } = key;

    /// <summary>Environments of this pool that are running an invoke or starting.</summary>
    public int Busy { get; set; }

    public bool Draining { get; set; }

    public int IdleCount => _idle.Count;

    /// <summary>Sandboxes made ahead of demand for this pool's next cold starts (oldest first).</summary>
    public List<Spare> Spares { get; } = [];

    /// <summary>Spares being made now (counted so a burst of cold starts does not overshoot the bound).</summary>
    public int SparesPreparing { get; set; }

    /// <summary>Nothing alive or on its way: the pool can be forgotten.</summary>
    public bool Empty => Busy == 0 && _idle.Count == 0 && Spares.Count == 0 && SparesPreparing == 0;

    /// <summary>The most recently used idle provisioned environment (provisioned ones are used first), else the most recently used one, or null.</summary>
    public PooledEnvironment? PopMostRecent()
    {
        if (_idle.Count == 0) return null;
        var index = _idle.FindLastIndex(e => e.Provisioned);
        if (index < 0) index = _idle.Count - 1;
        var chosen = _idle[index];
        _idle.RemoveAt(index);
        return chosen;
    }

    public void PushIdle(PooledEnvironment environment) => _idle.Add(environment);

    public IEnumerable<string> IdleSandboxIds() => _idle.Select(e => e.Environment.Sandbox.Id);

    public bool IsIdle(PooledEnvironment environment) => _idle.Contains(environment);

    /// <summary>Removes and returns idle environments matching <paramref name="predicate"/> (all when null).</summary>
    public List<PooledEnvironment> TakeIdle(Func<PooledEnvironment, bool>? predicate = null)
    {
        var taken = predicate is null ? [.. _idle] : _idle.Where(predicate).ToList();
        _idle.RemoveAll(taken.Contains);
        return taken;
    }
}
