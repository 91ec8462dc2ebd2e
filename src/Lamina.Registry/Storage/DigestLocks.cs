using Lamina.Oci;

namespace Lamina.Registry.Storage;

/// <summary>
/// Striped per-digest locks shared by everything that makes a blob exist or stop existing: committing an
/// upload (rename into place + recording it in metadata) and garbage collection (forget + delete the file).
/// Holding the digest's stripe makes "check metadata, then act on the file" atomic for that digest, so a
/// push of the same content can never interleave with its deletion. Stripes bound memory whatever the
/// number of digests; two digests sharing a stripe merely wait for each other.
/// </summary>
public sealed class DigestLocks : IDisposable
{
    private readonly SemaphoreSlim[] _stripes;

    public DigestLocks(int stripes = 256)
    {
        _stripes = new SemaphoreSlim[stripes];
        for (var i = 0; i < stripes; i++) _stripes[i] = new SemaphoreSlim(1, 1);
    }

    /// <summary>Waits for the digest's stripe; dispose the result to release it.</summary>
    public async ValueTask<Releaser> AcquireAsync(Digest digest, CancellationToken ct = default)
    {
        var stripe = _stripes[StripeOf(digest)];
        await stripe.WaitAsync(ct);
        return new Releaser(stripe);
    }

    private int StripeOf(Digest digest)
    {
        // The encoded digest is uniformly distributed hex already: its first bytes are a fine hash.
        var e = digest.Encoded;
        var h = (Convert.ToInt32(e[..6], 16) & 0x7fffffff);
        return h % _stripes.Length;
    }

    public void Dispose()
    {
        foreach (var s in _stripes) s.Dispose();
    }

    public readonly struct Releaser(SemaphoreSlim stripe) : IDisposable
    {
        public void Dispose() => stripe.Release();
    }
}
