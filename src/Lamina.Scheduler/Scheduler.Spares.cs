using Lamina.Images;
using Microsoft.Extensions.Logging;
using EnvironmentFunction = Lamina.Environments.FunctionConfig;

namespace Lamina.Scheduler;

/// <summary>
/// Spares: sandboxes made ahead of demand so a cold start skips runc create and start (docs/scheduler.md).
/// A pool gets them only after its first cold start (it has shown demand), at most
/// <see cref="SchedulerSettings.SpareSandboxes"/> made or in the making; they go when the pool drains, when
/// they have waited longer than the idle timeout, and at stop. Every spare is either in a pool's list, in the
/// making (tracked as a background task), or being destroyed (tracked likewise): none can be forgotten.
/// </summary>
public sealed partial class Scheduler
{
    /// <summary>Spares ready now, across pools (tests and the bench read it).</summary>
    public int SpareCount
    {
        get { lock (_lock) return _pools.Values.Sum(p => p.Spares.Count); }
    }

    /// <summary>Sandbox ids of the spares of <paramref name="functionName"/> ready now (of <paramref name="version"/>, else any version).</summary>
    public IReadOnlyList<string> SpareSandboxIds(string functionName, string? version = null)
    {
        lock (_lock)
            return _pools.Values.Where(p => p.Key.FunctionName == functionName && (version is null || p.Key.Version == version))
                .SelectMany(p => p.Spares).Select(s => s.Sandbox.Sandbox.Id).ToList();
    }

    /// <summary>
    /// Sandbox ids of the initialised environments of <paramref name="functionName"/> idle now (any version):
    /// the ones that served an invoke, as against spares, which have not.
    /// </summary>
    public IReadOnlyList<string> IdleSandboxIds(string functionName)
    {
        lock (_lock)
            return _pools.Values.Where(p => p.Key.FunctionName == functionName)
                .SelectMany(p => p.IdleSandboxIds()).ToList();
    }

    /// <summary>Takes the oldest live spare of <paramref name="key"/>'s pool; dead ones met on the way are discarded.</summary>
    private Spare? TakeSpare(PoolKey key)
    {
        List<Spare> dead = [];
        Spare? taken = null;
        lock (_lock)
        {
            if (_pools.TryGetValue(key, out var pool))
            {
                while (pool.Spares.Count > 0)
                {
                    var spare = pool.Spares[0];
                    pool.Spares.RemoveAt(0);
                    if (spare.Sandbox.Exited) dead.Add(spare);
                    else
                    {
                        // Its share of the memory budget moves to the environment the admission reserved.
                        _spareMemoryMb -= spare.MemoryMb;
                        taken = spare;
                        break;
                    }
                }
            }
        }
        DiscardSpares(dead);
        return taken;
    }

    /// <summary>
    /// Starts making spares for <paramref name="key"/>'s pool up to the bound, in the background; returns the
    /// task that completes when they are made (or failed), null when none was needed.
    /// </summary>
    private Task? RefillSpares(PoolKey key, PulledImage image, EnvironmentFunction function)
    {
        lock (_lock)
        {
            if (_stopped || !_pools.TryGetValue(key, out var pool) || pool.Draining) return null;
            var need = AffordableSpares(_settings.SpareSandboxes - pool.Spares.Count - pool.SparesPreparing, function.MemoryMb);
            if (need <= 0) return null;
            pool.SparesPreparing += need;
            _spareMemoryMb += (long)need * function.MemoryMb;
            var making = new Task[need];
            for (var i = 0; i < need; i++)
            {
                var spare = new SpareInMaking(key, function.MemoryMb);
                _sparesInMaking.Add(spare);
                Track(making[i] = PrepareSpareAsync(spare, image, function));
            }
            return Task.WhenAll(making);
        }
    }

    private async Task PrepareSpareAsync(SpareInMaking making, PulledImage image, EnvironmentFunction function)
    {
        await Task.Yield();
        var key = making.Key;
        var hex = making.Hex;
        (Lamina.Environments.PreparedSandbox? Prepared, Lamina.Environments.EnvironmentError? Error) made;
        try
        {
            // Cancelled by an eviction (Scheduler.SpareBudget.cs): PrepareAsync then destroys what it had made.
            made = await _factory.PrepareAsync(hex[..SandboxIdLength], image, function, cancellationToken: making.Token);
        }
        catch (Exception e)
        {
            made = (null, new(Lamina.Environments.EnvironmentErrorCode.SandboxFailed, e.Message));
        }
        if (made.Prepared is not null && HoldSparesMade is { } hold)
        {
            try
            {
                await hold.WaitAsync(making.Token);
            }
            catch (OperationCanceledException)
            {
                // Evicted while held: discarded below.
            }
        }
        bool keep = false, evicted;
        lock (_lock)
        {
            // From here no eviction can reach it.
            _sparesInMaking.Remove(making);
            evicted = making.Evicted;
            // A spare that was not made gives its share of the budget back (an evicted one gave it already);
            // a made one gives it back when discarded or taken.
            if (made.Prepared is null && !evicted) _spareMemoryMb -= function.MemoryMb;
            if (_pools.TryGetValue(key, out var pool))
            {
                pool.SparesPreparing--;
                keep = made.Prepared is not null && !evicted && !_stopped && !pool.Draining;
                if (keep) pool.Spares.Add(new Spare(made.Prepared!, hex, _time.GetTimestamp(), function.MemoryMb));
            }
            // An evicted spare that got made anyway is destroyed here: its share is not held twice.
            if (made.Prepared is not null && evicted) Track(DiscardSpareAsync(new Spare(made.Prepared, hex, 0, function.MemoryMb)));
        }
        // The cancellation's callbacks must be done before the source is disposed; one that threw changes nothing here.
        if (making.Cancelling is { } cancelling) await cancelling.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        making.Dispose();
        if (made.Prepared is null && !evicted) LogSpareFailed(_logger, key.FunctionName, key.Version, made.Error!.ToString());
        else if (made.Prepared is not null && !keep && !evicted) DiscardSpares([new Spare(made.Prepared, hex, 0, function.MemoryMb)]);
    }

    /// <summary>Destroys spares in the background (tracked, so stop waits for them); their share of the memory budget is free at once.</summary>
    private void DiscardSpares(List<Spare> spares)
    {
        if (spares.Count == 0) return;
        lock (_lock)
        {
            foreach (var spare in spares)
            {
                _spareMemoryMb -= spare.MemoryMb;
                Track(DiscardSpareAsync(spare));
            }
        }
    }

    private async Task DiscardSpareAsync(Spare spare)
    {
        await Task.Yield();
        try
        {
            await _factory.DiscardAsync(spare.Sandbox);
        }
        catch (Exception e)
        {
            LogDestroyFailed(_logger, spare.Sandbox.Sandbox.Id, e.Message);
        }
    }

    /// <summary>A background task stop and the reaper wait for. Call under the lock.</summary>
    private void Track(Task task)
    {
        _destroying.Add(task);
        _ = task.ContinueWith(t => { lock (_lock) _destroying.Remove(t); }, TaskScheduler.Default);
    }

    [LoggerMessage(EventId = 5204, Level = LogLevel.Warning, Message = "Making a spare sandbox for {Function}:{Version} failed: {Error}")]
    private static partial void LogSpareFailed(ILogger logger, string function, string version, string error);
}
