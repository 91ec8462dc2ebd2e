using Lamina.Oci;

namespace Lamina.Registry.Storage;

/// <summary>
/// Blobs as files named by their digest under <see cref="RegistryPaths.Blobs"/>:
/// <c>blobs/&lt;algorithm&gt;/&lt;first two hex&gt;/&lt;hex&gt;</c>, each stored once for all repositories and
/// read-only once in place. A file appears only by <see cref="MoveIntoPlace"/> of a temporary file that
/// is already complete, fsynced and verified, so a reader never sees a partial blob.
/// </summary>
public sealed class FileBlobStore : IBlobStore
{
    private readonly RegistryPaths _paths;

    public FileBlobStore(RegistryPaths paths)
    {
        _paths = paths;
        Directory.CreateDirectory(paths.Blobs);
        Directory.CreateDirectory(paths.Uploads);
    }

    /// <summary>Where the blob lives (or would live). Safe: a parsed digest is always a plain file name.</summary>
    public string PathOf(Digest digest) =>
        Path.Combine(_paths.Blobs, digest.AlgorithmName, digest.Encoded[..2], digest.Encoded);

    public bool Exists(Digest digest) => File.Exists(PathOf(digest));

    public string? GetPath(Digest digest)
    {
        var path = PathOf(digest);
        return File.Exists(path) ? path : null;
    }

    public long? GetSize(Digest digest)
    {
        var info = new FileInfo(PathOf(digest));
        return info.Exists ? info.Length : null;
    }

    public void Delete(Digest digest)
    {
        var path = PathOf(digest);
        File.Delete(path);
        DirectorySync.Sync(Path.GetDirectoryName(path)!);
    }

    /// <summary>A fresh temporary file name in the uploads directory (same file system as the blobs, so rename is atomic).</summary>
    public string NewTempPath() => Path.Combine(_paths.Uploads, "tmp-" + Guid.NewGuid().ToString("N"));

    /// <summary>
    /// Atomically publishes <paramref name="tempPath"/> (complete, fsynced, verified by the caller) as the blob
    /// <paramref name="digest"/>. When the blob already exists the temporary file is discarded: same digest,
    /// same bytes. Call under the digest's lock (<see cref="DigestLocks"/>).
    /// </summary>
    public void MoveIntoPlace(string tempPath, Digest digest)
    {
        var target = PathOf(digest);
        if (File.Exists(target))
        {
            File.Delete(tempPath);
            return;
        }
        var dir = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(tempPath, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        try
        {
            File.Move(tempPath, target, overwrite: false);
        }
        catch (IOException) when (File.Exists(target))
        {
            File.Delete(tempPath);
            return;
        }
        DirectorySync.Sync(dir);
    }

    /// <summary>Writes small content (a manifest) as a blob, durably and atomically. Call under the digest's lock.</summary>
    public async Task WriteAsync(Digest digest, ReadOnlyMemory<byte> content, CancellationToken ct = default)
    {
        if (Exists(digest)) return;
        var temp = NewTempPath();
        try
        {
            using (var handle = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.Write))
            {
                await RandomAccess.WriteAsync(handle, content, 0, ct);
                RandomAccess.FlushToDisk(handle);
            }
            MoveIntoPlace(temp, digest);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Every blob file present on disk (garbage collection looks for files the metadata forgot).</summary>
    public IEnumerable<(Digest Digest, DateTime LastWriteUtc)> EnumerateFiles()
    {
        foreach (var algorithm in new[] { "sha256", "sha512" })
        {
            var root = Path.Combine(_paths.Blobs, algorithm);
            if (!Directory.Exists(root)) continue;
            foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
            {
                if (Digest.TryParse(algorithm + ":" + Path.GetFileName(file), out var digest))
                {
                    yield return (digest, File.GetLastWriteTimeUtc(file));
                }
            }
        }
    }
}
