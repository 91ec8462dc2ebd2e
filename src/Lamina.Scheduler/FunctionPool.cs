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

    /// <summary>The most recently used idle environment, or null.</summary>
    public PooledEnvironment? PopMostRecent()
    {
        if (_idle.Count == 0) return null;
        var last = _idle[^1];
        _idle.RemoveAt(_idle.Count - 1);
        return last;
    }

    public void PushIdle(PooledEnvironment environment) => _idle.Add(environment);

    /// <summary>Removes and returns idle environments matching <paramref name="predicate"/> (all when null).</summary>
    public List<PooledEnvironment> TakeIdle(Func<PooledEnvironment, bool>? predicate = null)
    {
        var taken = predicate is null ? [.. _idle] : _idle.Where(predicate).ToList();
        _idle.RemoveAll(taken.Contains);
        return taken;
    }
}
