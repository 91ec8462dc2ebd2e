using Lamina.Images.Registry;
using Lamina.Images.Snapshots;
using Lamina.Oci;

namespace Lamina.Images;

/// <summary>
/// Pulls images from OCI/Docker v2 registries into verified, shared layer snapshots.
/// <code>
/// DATA/
///  ├─ snapshots/          the <see cref="SnapshotStore"/>: sha256/&lt;diff_id&gt;/fs, refs.json, tmp/
///  ├─ images/sha256/&lt;manifest hex&gt;/{manifest.json,config.json}   verified bytes of each pulled image
///  └─ downloads/          compressed blobs while they download and unpack; emptied on open
/// </code>
/// </summary>
public sealed partial class ImageStore : IDisposable
{
    private readonly ImageStoreOptions options;
    private readonly RegistryClient registry;
    private readonly string imagesRoot;
    private readonly string downloads;

    public ImageStore(ImageStoreOptions options)
    {
        this.options = options;
        var data = Path.GetFullPath(options.DataDirectory);
        Snapshots = new SnapshotStore(Path.Combine(data, "snapshots"), options.Durable);
        imagesRoot = Path.Combine(data, "images");
        downloads = Path.Combine(data, "downloads");
        if (Directory.Exists(downloads)) Directory.Delete(downloads, recursive: true);
        Directory.CreateDirectory(downloads);
        Directory.CreateDirectory(imagesRoot);
        registry = new RegistryClient(options.Registry);
    }

    public SnapshotStore Snapshots { get; }

    /// <summary>
    /// Forgets a pulled image: its record, manifest and config. Its snapshots stay until
    /// <see cref="CollectGarbage"/> finds no other image using them.
    /// </summary>
    public bool Remove(Digest manifestDigest)
    {
        var removed = Snapshots.Refs.Remove(manifestDigest);
        var dir = Path.Combine(imagesRoot, manifestDigest.AlgorithmName, manifestDigest.Encoded);
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        return removed;
    }

    /// <summary>Deletes snapshots no recorded image uses; returns their diff_ids.</summary>
    public IReadOnlyList<Digest> CollectGarbage() => Snapshots.Collect();

    private void SaveImage(Digest manifestDigest, byte[] manifest, byte[] config)
    {
        var dir = Path.Combine(imagesRoot, manifestDigest.AlgorithmName, manifestDigest.Encoded);
        Directory.CreateDirectory(dir);
        WriteAtomically(Path.Combine(dir, "manifest.json"), manifest);
        WriteAtomically(Path.Combine(dir, "config.json"), config);
    }

    private static void WriteAtomically(string path, byte[] bytes)
    {
        var tmp = path + ".tmp";
        using (var file = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(bytes);
            file.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
    }

    public void Dispose() => registry.Dispose();
}
