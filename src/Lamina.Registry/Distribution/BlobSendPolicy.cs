namespace Lamina.Registry.Distribution;

/// <summary>
/// Chooses, per whole-blob download, between sendfile(2) (<see cref="ZeroCopyBlob"/>) and the user-space copy
/// (<see cref="BlobSendFile"/>), and counts the downloads in flight for <see cref="BlobSendMode.Auto"/>.
/// Why a choice at all: with sendfile the skbs carry page-cache pages, and the client's kernel pays for them
/// (profiled per 178 MB skopeo pull: ~2.5× the softirq samples of a copied stream, 30–70 ms of client CPU). A lone
/// client is bound by its own CPU while the server idles, so Auto puts the copy on the server; with many clients
/// every core is busy and sendfile's lower total wins. The copy costs the server about what it saves the client,
/// so SendFile stays the default (bench/registry/README.md).
/// One instance per server (not static), so servers sharing a process do not count each other's downloads.
/// </summary>
internal sealed class BlobSendPolicy(BlobSendMode mode, int processors)
{
    private int _inFlight;

    /// <summary>At most this many concurrent downloads take the copy path under <see cref="BlobSendMode.Auto"/>.</summary>
    public int CopyLimit { get; } = Math.Max(1, processors / 2);

    /// <summary>Whole-blob downloads in flight (leases not yet disposed).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>
    /// Counts one download until the lease is disposed and says whether it should use sendfile. The count
    /// includes this download, so under Auto the first <see cref="CopyLimit"/> concurrent ones copy.
    /// </summary>
    public Lease Enter()
    {
        var n = Interlocked.Increment(ref _inFlight);
        var sendFile = mode switch
        {
            BlobSendMode.SendFile => true,
            BlobSendMode.Copy => false,
            _ => n > CopyLimit,
        };
        return new Lease(this, sendFile);
    }

    private void Exit() => Interlocked.Decrement(ref _inFlight);

    /// <summary>One counted download; <see cref="SendFile"/> is the decision. Dispose exactly once (a default lease counts nothing).</summary>
    public readonly struct Lease(BlobSendPolicy? owner, bool sendFile) : IDisposable
    {
        /// <summary>True when the download should go out with sendfile(2), if the request allows it.</summary>
        public bool SendFile { get; } = sendFile;

        public void Dispose() => owner?.Exit();
    }
}
