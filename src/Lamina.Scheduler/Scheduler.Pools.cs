using Lamina.Control.Domain;
using Lamina.Images;
using Microsoft.Extensions.Logging;

namespace Lamina.Scheduler;

public sealed partial class Scheduler
{
    /// <summary>Sandbox ids are the first characters of the environment's 32-hex log stream id.</summary>
    public const int SandboxIdLength = 12;

    private readonly Lock _lock = new();
    private readonly Dictionary<PoolKey, FunctionPool> _pools = [];
    private readonly Dictionary<(string, string), (PoolKey Key, DateTimeOffset Modified)> _current = [];
    private readonly Dictionary<string, int> _inFlight = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);
    private readonly HashSet<PooledEnvironment> _live = [];
    private readonly HashSet<Task> _destroying = [];
    private int _accountInFlight;
    private long _liveMemoryMb;
    private bool _stopped;

    /// <summary>Environments alive now (idle or busy).</summary>
    public int LiveEnvironments
    {
        get { lock (_lock) return _live.Count; }
    }

    /// <summary>Environments of <paramref name="functionName"/> alive now (any version, idle or busy).</summary>
    public int LiveEnvironmentsOf(string functionName)
    {
        lock (_lock) return _live.Count(e => e.Key.FunctionName == functionName);
    }

    /// <summary>Invocations of <paramref name="functionName"/> admitted and not yet finished (any version).</summary>
    public int InFlight(string functionName)
    {
        lock (_lock) return _inFlight.GetValueOrDefault(functionName);
    }

    /// <summary>The outcome of admission: a warm environment, a cold start to make, or a throttle Reason.</summary>
    private readonly record struct Lease(PooledEnvironment? Warm, string? Throttle, int Concurrent, bool Stopped = false);

    private Lease Admit(FunctionConfig config, int? reserved)
    {
        var key = PoolKey.Of(config);
        List<PooledEnvironment> stale;
        List<Spare> staleSpares;
        Lease lease;
        lock (_lock)
        {
            var running = _inFlight.GetValueOrDefault(config.FunctionName);
            if (_stopped) return new(null, null, running, Stopped: true);
            if (reserved is { } limit && running >= limit) return new(null, "ReservedFunctionConcurrentInvocationLimitExceeded", running);
            if (_accountInFlight >= _settings.AccountConcurrency) return new(null, "ConcurrentInvocationLimitExceeded", running);
            var pool = CurrentPool(key, config.LastModified, out stale, out staleSpares);

            PooledEnvironment? warm = null;
            while (pool.PopMostRecent() is { } candidate)
            {
                if (!candidate.Exited) { warm = candidate; break; }
                stale.Add(candidate);
            }
            if (warm is null)
            {
                // Spares yield to demand: other pools' ready spares go if this cold start does not fit beside them.
                if (_liveMemoryMb + config.MemorySize <= _settings.MemoryLimitMb) staleSpares.AddRange(EvictSparesFor(key, config.MemorySize));
                if (_liveMemoryMb + config.MemorySize > _settings.MemoryLimitMb)
                    lease = new(null, "ConcurrentInvocationLimitExceeded", running);
                else if (!Bucket(config.FunctionName).TryTake(_time.GetTimestamp(), _time.TimestampFrequency))
                    lease = new(null, "FunctionInvocationRateLimitExceeded", running);
                else
                {
                    _liveMemoryMb += config.MemorySize;
                    lease = new(null, null, running + 1);
                }
            }
            else
            {
                lease = new(warm, null, running + 1);
            }
            if (lease.Throttle is null)
            {
                _inFlight[config.FunctionName] = running + 1;
                _accountInFlight++;
                pool.Busy++;
            }
        }
        foreach (var e in stale) Discard(e);
        DiscardSpares(staleSpares);
        return lease;
    }

    /// <summary>The pool of <paramref name="key"/>; a newer key for the same function version drains the older pool.</summary>
    private FunctionPool CurrentPool(PoolKey key, DateTimeOffset modified, out List<PooledEnvironment> stale, out List<Spare> staleSpares)
    {
        stale = [];
        staleSpares = [];
        if (!_pools.TryGetValue(key, out var pool)) _pools[key] = pool = new FunctionPool(key);
        if (_current.TryGetValue(key.Slot, out var current) && current.Key != key)
        {
            if (modified >= current.Modified)
            {
                // An update reported Successful: nothing may run on the old image or configuration again.
                if (_pools.TryGetValue(current.Key, out var old))
                {
                    old.Draining = true;
                    stale.AddRange(old.TakeIdle());
                    staleSpares.AddRange(old.Spares);
                    old.Spares.Clear();
                }
                _current[key.Slot] = (key, modified);
            }
            else
            {
                // A request that read the configuration before the update committed: it runs once, then its environment goes.
                pool.Draining = true;
            }
        }
        else if (!_current.ContainsKey(key.Slot))
        {
            _current[key.Slot] = (key, modified);
        }
        return pool;
    }

    private TokenBucket Bucket(string function)
    {
        if (!_buckets.TryGetValue(function, out var bucket))
            _buckets[function] = bucket = new TokenBucket(_settings.ScalingRate, _settings.ScalingBurst, _time.GetTimestamp());
        return bucket;
    }

    /// <summary>A retry after a Gone environment starts a replacement without a token: the invoke was admitted already.</summary>
    private void ReserveRetry(FunctionConfig config)
    {
        lock (_lock) _liveMemoryMb += config.MemorySize;
    }

    private void Leave(PoolKey key)
    {
        lock (_lock)
        {
            var function = key.FunctionName;
            if (_pools.TryGetValue(key, out var pool)) pool.Busy--;
            var left = _inFlight.GetValueOrDefault(function) - 1;
            if (left <= 0) _inFlight.Remove(function);
            else _inFlight[function] = left;
            _accountInFlight--;
        }
    }

    /// <summary>
    /// Starts an environment for <paramref name="config"/> (its MemorySize already reserved; released here on
    /// failure). On demand: from a spare when the pool has one, left thawed for the invoke that asked, and the
    /// pool's spares refilled. Provisioned: always a fresh sandbox, initialised and frozen.
    /// </summary>
    private async Task<(PooledEnvironment?, Lamina.Environments.EnvironmentError?)> StartAsync(FunctionConfig config, CancellationToken ct, bool provisioned = false)
    {
        var key = PoolKey.Of(config);
        PullResult pulled;
        try
        {
            pulled = await _images.GetAsync(config.ImageUri, config.ImageDigest!, ct);
        }
        catch (OperationCanceledException)
        {
            Unreserve(config.MemorySize);
            throw;
        }
        if (!pulled.Succeeded)
        {
            Unreserve(config.MemorySize);
            return (null, new(Lamina.Environments.EnvironmentErrorCode.InvalidConfiguration, $"The image {config.ImageUri} could not be pulled: {pulled.Error!.Message}"));
        }
        var function = EnvironmentConfig.From(config, _settings.Region, provisioned);
        (Lamina.Environments.ExecutionEnvironment? environment, Lamina.Environments.EnvironmentError? error) started = (null, null);
        var hex = "";
        if (!provisioned && TakeSpare(key) is { } spare)
        {
            hex = spare.Hex;
            // Not frozen after init: the invoke that asked for it runs next (a freeze and a thaw saved).
            started = await _factory.InitAsync(spare.Sandbox, freeze: false, ct);
            // A spare that died while waiting is not the function's fault: make one on demand instead.
            if (started.error is { Code: Lamina.Environments.EnvironmentErrorCode.Gone }) started = (null, null);
        }
        if (started.environment is null && started.error is null)
        {
            hex = Guid.NewGuid().ToString("N");
            // The sandbox id is short: the control socket's host path must fit a Unix socket address (108 bytes).
            started = await _factory.StartAsync(hex[..SandboxIdLength], pulled.Image!, function, freeze: provisioned, ct);
        }
        var (environment, error) = started;
        if (environment is null)
        {
            Unreserve(config.MemorySize);
            return (null, error);
        }
        if (!provisioned) _ = RefillSpares(key, pulled.Image!, function);
        var stream = $"{_time.GetUtcNow():yyyy'/'MM'/'dd}/[{config.Version}]{hex}";
        // A provisioned environment's init is done ahead of any invoke: no invoke reports it (as in AWS).
        var pooled = new PooledEnvironment(environment, key, config.MemorySize, stream) { Provisioned = provisioned, Cold = !provisioned };
        bool stopped;
        lock (_lock)
        {
            stopped = _stopped;
            _live.Add(pooled);
        }
        LogStarted(_logger, hex, config.FunctionName, config.Version, environment.Timings.TotalMs,
            environment.Timings.OnPathMs + environment.Timings.RuntimeInitMs);
        if (stopped)
        {
            Discard(pooled);
            return (null, new(Lamina.Environments.EnvironmentErrorCode.Gone, "The server is shutting down."));
        }
        return (pooled, null);
    }

    private void Unreserve(int memoryMb)
    {
        lock (_lock)
        {
            _liveMemoryMb -= memoryMb;
        }
    }

    /// <summary>Back to its pool's idle stack, or destroyed when the pool is stale or the server stopping.</summary>
    private void Release(PooledEnvironment environment)
    {
        bool keep;
        lock (_lock)
        {
            var pool = _pools.GetValueOrDefault(environment.Key);
            keep = pool is { Draining: false } && !_stopped && !environment.Exited;
            if (keep)
            {
                environment.IdleSince = _time.GetTimestamp();
                pool!.PushIdle(environment);
            }
        }
        if (!keep) Discard(environment);
    }

    /// <summary>Destroys an environment in the background (tracked, so shutdown waits for it).</summary>
    private void Discard(PooledEnvironment environment)
    {
        lock (_lock)
        {
            if (!_live.Remove(environment)) return;
            _liveMemoryMb -= environment.MemoryMb;
            Track(DestroyAsync(environment));
        }
    }

    private async Task DestroyAsync(PooledEnvironment environment)
    {
        await Task.Yield();
        try
        {
            if (await environment.Environment.DestroyAsync() is { } error)
                LogDestroyFailed(_logger, environment.Environment.Sandbox.Id, error.ToString());
        }
        catch (Exception e)
        {
            LogDestroyFailed(_logger, environment.Environment.Sandbox.Id, e.Message);
        }
        finally
        {
            environment.CloseLogs();
        }
    }

    [LoggerMessage(EventId = 5202, Level = LogLevel.Information, Message = "Environment {Id} of {Function}:{Version} started in {Ms:F0} ms ({OnPathMs:F0} ms on the invoke path)")]
    private static partial void LogStarted(ILogger logger, string id, string function, string version, double ms, double onPathMs);

    [LoggerMessage(EventId = 5203, Level = LogLevel.Warning, Message = "Destroying environment {Id} failed: {Error}")]
    private static partial void LogDestroyFailed(ILogger logger, string id, string error);
}
