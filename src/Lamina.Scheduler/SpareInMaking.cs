namespace Lamina.Scheduler;

/// <summary>
/// A spare being made (<c>EnvironmentFactory.PrepareAsync</c> running): its pool, the share of the memory budget it
/// holds, and the switch that cancels it when a start needs the room (Scheduler.SpareBudget.cs). Guarded by the
/// scheduler's lock; the task making it disposes it once no eviction can reach it any more.
/// </summary>
internal sealed class SpareInMaking(PoolKey key, int memoryMb) : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();

    public PoolKey Key { get; } = key;

    /// <summary>The 32-hex log stream id it will carry; its first characters are the sandbox id.</summary>
    public string Hex { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Its function's MemorySize: the share it holds until made, failed or evicted.</summary>
    public int MemoryMb { get; } = memoryMb;

    /// <summary>Cancels <c>EnvironmentFactory.PrepareAsync</c> (which then leaves nothing behind).</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>Evicted: its share went back to the budget at eviction; whatever gets made is destroyed, never kept.</summary>
    public bool Evicted { get; private set; }

    /// <summary>The cancellation's callbacks, run off the scheduler's lock (awaited before disposal).</summary>
    public Task? Cancelling { get; private set; }

    /// <summary>Marks it evicted and requests cancellation without running callbacks on this thread. Call under the lock.</summary>
    public void Evict()
    {
        Evicted = true;
        // CancelAsync runs the token's callbacks (the agent wait, its HTTP calls) on the thread pool: not under the lock.
        Cancelling = _cancel.CancelAsync();
    }

    public void Dispose() => _cancel.Dispose();
}
