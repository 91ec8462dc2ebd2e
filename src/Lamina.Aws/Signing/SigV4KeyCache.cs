using System.Collections.Concurrent;

namespace Lamina.Aws.Signing;

/// <summary>
/// Derived SigV4 signing keys by (secret, date, region, service): a key changes once a day per credential scope, so
/// it is derived once (four HMACs and their allocations) instead of per request. Thread-safe; bounded: past
/// <see cref="MaxEntries"/> scopes (many keys, or days gone by) it starts over.
/// </summary>
public sealed class SigV4KeyCache
{
    /// <summary>Scopes kept before the cache is cleared.</summary>
    public const int MaxEntries = 256;

    private readonly ConcurrentDictionary<(string Secret, string Date, string Region, string Service), byte[]> _keys = new();

    /// <summary>The signing key of the scope, derived on first use (<see cref="SigV4Signer.DeriveSigningKey"/>).
    /// The returned array is shared: callers must not change it.</summary>
    public byte[] Get(string secretAccessKey, string date, string region, string service)
    {
        var scope = (secretAccessKey, date, region, service);
        if (_keys.TryGetValue(scope, out var key)) return key;
        if (_keys.Count >= MaxEntries) _keys.Clear();
        key = SigV4Signer.DeriveSigningKey(secretAccessKey, date, region, service);
        _keys[scope] = key;
        return key;
    }
}
