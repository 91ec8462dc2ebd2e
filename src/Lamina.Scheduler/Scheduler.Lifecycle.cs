namespace Lamina.Scheduler;

public sealed partial class Scheduler
{
    /// <summary>
    /// Destroys idle environments frozen longer than the idle timeout (and any whose sandbox exited), spares
    /// that waited as long, and forgets empty pools. Waits until they are destroyed; returns how many
    /// environments were (spares not counted).
    /// </summary>
    public async Task<int> ReapAsync()
    {
        var now = _time.GetTimestamp();
        List<PooledEnvironment> expired = [];
        List<Spare> spares = [];
        lock (_lock)
        {
            foreach (var (key, pool) in _pools.ToList())
            {
                expired.AddRange(pool.TakeIdle(e => e.Exited || (!e.Provisioned && _time.GetElapsedTime(e.IdleSince, now) >= _settings.IdleTimeout)));
                var old = pool.Spares.Where(s => s.Sandbox.Exited || _time.GetElapsedTime(s.Since, now) >= _settings.IdleTimeout).ToList();
                pool.Spares.RemoveAll(old.Contains);
                spares.AddRange(old);
                if (pool.Empty) _pools.Remove(key);
            }
        }
        foreach (var e in expired) Discard(e);
        DiscardSpares(spares);
        await DrainDestroysAsync();
        return expired.Count;
    }

    /// <inheritdoc/>
    public void FunctionDeleted(string functionName, string? version)
    {
        List<PooledEnvironment> idle = [];
        List<Spare> spares = [];
        lock (_lock)
        {
            foreach (var (key, pool) in _pools)
            {
                if (key.FunctionName != functionName || (version is not null && key.Version != version)) continue;
                pool.Draining = true;
                idle.AddRange(pool.TakeIdle());
                spares.AddRange(pool.Spares);
                pool.Spares.Clear();
            }
            // A function created again under the same name starts a new generation.
            foreach (var slot in _current.Keys.Where(s => s.Item1 == functionName && (version is null || s.Item2 == version)).ToList())
                _current.Remove(slot);
        }
        foreach (var e in idle) Discard(e);
        DiscardSpares(spares);
    }

    /// <summary>Refuses new invokes and destroys every environment, waiting for invokes in flight to finish first.</summary>
    public async Task StopAsync()
    {
        List<PooledEnvironment> all;
        List<Spare> spares = [];
        lock (_lock)
        {
            _stopped = true;
            foreach (var pool in _pools.Values)
            {
                pool.TakeIdle();
                spares.AddRange(pool.Spares);
                pool.Spares.Clear();
            }
            // Spares in the making stop waiting for their agent; their tasks destroy what they made.
            foreach (var making in _sparesInMaking) EvictInMaking(making);
            all = [.. _live];
        }
        foreach (var e in all) Discard(e);
        // Spares that were being made are discarded by their own task; the drain waits for it.
        DiscardSpares(spares);
        await DrainDestroysAsync();
    }

    private async Task DrainDestroysAsync()
    {
        while (true)
        {
            Task[] pending;
            lock (_lock) pending = [.. _destroying];
            if (pending.Length == 0) return;
            await Task.WhenAll(pending);
            // The continuation that removes a finished task runs after it: give it the chance.
            await Task.Yield();
            lock (_lock) _destroying.RemoveWhere(t => t.IsCompleted);
        }
    }

    /// <summary>Same as <see cref="StopAsync"/>: the container disposes the scheduler even when the host was never stopped.</summary>
    public async ValueTask DisposeAsync() => await StopAsync();
}
