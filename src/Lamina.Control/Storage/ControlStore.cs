using System.Collections.Concurrent;
using Lamina.Control.Domain;

namespace Lamina.Control.Storage;

/// <summary>
/// The control plane's persistence: every read sees one consistent snapshot, every write is one transaction
/// that commits only when its domain rule succeeded (a refused operation leaves nothing half-written).
/// Hot reads (the invoke path's function, alias and version lookups) may be served from memory through
/// <see cref="ReadCached{T}"/>: every write through this store invalidates all of them.
/// </summary>
public sealed class ControlStore(ControlDatabase db)
{
    /// <summary>Entries beyond this drop the whole cache (it refills from the hot keys); bounds memory for many functions.</summary>
    private const int MaxCachedReads = 4096;

    private readonly ConcurrentDictionary<object, CachedRead> _cache = new();
    private long _generation;

    public T Read<T>(Func<ControlSession, T> read) => db.Read(c => read(new ControlSession(c, null)));

    /// <summary>
    /// <paramref name="read"/>'s result for <paramref name="key"/> as of the last write through this store: served from
    /// memory when no write has finished since it was read, read again (one snapshot) otherwise. The key must name the
    /// read completely (its kind and every argument) and always go with the same <typeparamref name="T"/>; the value
    /// must be immutable (it is shared between callers). A write that has returned is seen by every later call: the
    /// generation moves after the write's transaction ends, so an entry read before or during it is never served again.
    /// </summary>
    public T ReadCached<T>(object key, Func<ControlSession, T> read)
    {
        var generation = Volatile.Read(ref _generation);
        if (_cache.TryGetValue(key, out var hit) && hit.Generation == generation) return (T)hit.Value!;
        var value = Read(read);
        if (_cache.Count >= MaxCachedReads) _cache.Clear();
        _cache[key] = new CachedRead(generation, value);
        return value;
    }

    /// <summary>Runs <paramref name="write"/> in one transaction; committed only when it returns a value, rolled back on an error.</summary>
    public async Task<Result<T>> WriteAsync<T>(Func<ControlSession, Result<T>> write, CancellationToken ct = default)
    {
        try
        {
            return await db.WriteAsync((c, tx) => write(new ControlSession(c, tx)), r => r.IsOk, ct);
        }
        finally
        {
            // After the transaction (committed or not): no cached read from before it is served again.
            Interlocked.Increment(ref _generation);
        }
    }

    private sealed record CachedRead(long Generation, object? Value);
}
