using Lamina.Oci;

namespace Lamina.Build.Layers;

/// <summary>
/// Content-addressed blobs of the build cache: <c>blobs/sha256/&lt;hex&gt;</c>. A blob appears only complete
/// (written to <c>tmp/</c>, then renamed), so a crashed build never leaves a truncated layer behind a valid name.
/// </summary>
public sealed class BlobStore
{
    /// <summary>Opens (creating) the store under <paramref name="root"/>.</summary>
    public BlobStore(string root)
    {
        Root = root;
        Directory.CreateDirectory(Path.Combine(root, "sha256"));
        TempDirectory = Path.Combine(root, "tmp");
        Directory.CreateDirectory(TempDirectory);
    }

    /// <summary>The store's directory.</summary>
    public string Root { get; }

    /// <summary>Where blobs are written before they are named.</summary>
    public string TempDirectory { get; }

    /// <summary>The path a blob with this digest has (whether or not it exists).</summary>
    public string PathOf(Digest digest) => Path.Combine(Root, digest.AlgorithmName, digest.Encoded);

    /// <summary>True when the blob is present with the expected size.</summary>
    public bool Has(Digest digest, long size) => new FileInfo(PathOf(digest)) is { Exists: true } f && f.Length == size;

    /// <summary>A fresh temporary file path inside the store (same file system, so renames are atomic).</summary>
    public string NewTempPath() => Path.Combine(TempDirectory, Guid.NewGuid().ToString("n"));

    /// <summary>Names a completed temporary file as <paramref name="digest"/> (keeping an existing copy).</summary>
    public string Commit(string tempPath, Digest digest)
    {
        var final = PathOf(digest);
        if (File.Exists(final)) File.Delete(tempPath);
        else File.Move(tempPath, final);
        return final;
    }

    /// <summary>Stores small bytes (configs, manifests) and returns their descriptor's digest.</summary>
    public Digest Put(byte[] bytes)
    {
        var digest = Digest.Compute(bytes);
        if (!File.Exists(PathOf(digest)))
        {
            var tmp = NewTempPath();
            File.WriteAllBytes(tmp, bytes);
            Commit(tmp, digest);
        }
        return digest;
    }
}
