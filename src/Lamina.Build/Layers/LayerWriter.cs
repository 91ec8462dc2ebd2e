using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Lamina.Oci;

namespace Lamina.Build.Layers;

/// <summary>
/// Writes one gzip layer into the <see cref="BlobStore"/>, hashing as it goes: the tar stream's SHA-256 is the
/// diff_id, the gzip stream's the blob digest — nothing is read back. Entries are written in the order the caller
/// gives (callers sort them, so the same input gives the same bytes); uname/gname are left empty and every
/// mtime is clamped to <see cref="ClampTime"/> when set (SOURCE_DATE_EPOCH), for reproducible layers.
/// </summary>
public sealed class LayerWriter : IDisposable
{
    private readonly BlobStore _store;
    private readonly string _temp;
    private readonly FileStream _file;
    private readonly IncrementalHash _digestHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IncrementalHash _diffHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly HashingWriteStream _compressed;
    private readonly GZipStream _gzip;
    private readonly HashingWriteStream _tarStream;
    private readonly TarWriter _tar;
    private bool _finished;

    /// <summary>Starts a layer in a temporary file of <paramref name="store"/>.</summary>
    public LayerWriter(BlobStore store, DateTimeOffset? clampTime)
    {
        _store = store;
        ClampTime = clampTime;
        _temp = store.NewTempPath();
        _file = new FileStream(_temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        _compressed = new HashingWriteStream(_file, _digestHash, leaveOpen: true);
        _gzip = new GZipStream(_compressed, CompressionLevel.Fastest, leaveOpen: true);
        _tarStream = new HashingWriteStream(_gzip, _diffHash, leaveOpen: true);
        _tar = new TarWriter(_tarStream, TarEntryFormat.Pax, leaveOpen: true);
    }

    /// <summary>Latest modification time written (SOURCE_DATE_EPOCH), or null to keep times as they are.</summary>
    public DateTimeOffset? ClampTime { get; }

    /// <summary>Number of entries written so far.</summary>
    public int Entries { get; private set; }

    /// <summary>A directory entry (name without trailing '/').</summary>
    public void AddDirectory(string name, EntryMeta meta) => Write(Entry(TarEntryType.Directory, name + "/", meta));

    /// <summary>A regular file with the content of <paramref name="source"/>.</summary>
    public void AddFile(string name, string source, EntryMeta meta)
    {
        using var data = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        AddFile(name, data, meta);
    }

    /// <summary>A regular file whose content is read from <paramref name="data"/>.</summary>
    public void AddFile(string name, Stream data, EntryMeta meta)
    {
        var entry = Entry(TarEntryType.RegularFile, name, meta);
        if (data.CanSeek)
        {
            entry.DataStream = data;
            Write(entry);
            return;
        }
        // The tar header needs the size before the data: spool an unseekable stream (an archive entry) to disk first.
        using var spool = new FileStream(_store.NewTempPath(), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        data.CopyTo(spool);
        spool.Position = 0;
        entry.DataStream = spool;
        Write(entry);
    }

    /// <summary>A symbolic link, target stored as is.</summary>
    public void AddSymlink(string name, string target, EntryMeta meta)
    {
        var entry = Entry(TarEntryType.SymbolicLink, name, meta);
        entry.LinkName = target;
        Write(entry);
    }

    /// <summary>A hard link to an entry written earlier in this layer.</summary>
    public void AddHardLink(string name, string target, EntryMeta meta)
    {
        var entry = Entry(TarEntryType.HardLink, name, meta);
        entry.LinkName = target;
        Write(entry);
    }

    /// <summary>A FIFO.</summary>
    public void AddFifo(string name, EntryMeta meta) => Write(Entry(TarEntryType.Fifo, name, meta));

    /// <summary>The OCI whiteout for <paramref name="name"/>: an empty file <c>dir/.wh.base</c>.</summary>
    public void AddWhiteout(string name)
    {
        var slash = name.LastIndexOf('/');
        var whiteout = slash < 0 ? ".wh." + name : name[..(slash + 1)] + ".wh." + name[(slash + 1)..];
        Write(Entry(TarEntryType.RegularFile, whiteout, EntryMeta.RootDirectory with { Mode = 0 }));
    }

    /// <summary>The OCI opaque marker of a directory: <c>dir/.wh..wh..opq</c> (lower layers' contents hidden).</summary>
    public void AddOpaque(string directory) =>
        Write(Entry(TarEntryType.RegularFile, directory + "/.wh..wh..opq", EntryMeta.RootDirectory with { Mode = 0 }));

    /// <summary>Closes the tar and gzip streams, names the blob by its digest and returns the descriptor data.</summary>
    public LayerBlob Finish()
    {
        _tar.Dispose();
        _tarStream.Dispose();
        _gzip.Dispose();
        _compressed.Dispose();
        _file.Flush(flushToDisk: false);
        _file.Dispose();
        _finished = true;
        var digest = Digest.FromHash(DigestAlgorithm.Sha256, _digestHash.GetHashAndReset());
        var diffId = Digest.FromHash(DigestAlgorithm.Sha256, _diffHash.GetHashAndReset());
        var size = _compressed.Written;
        _digestHash.Dispose();
        _diffHash.Dispose();
        _store.Commit(_temp, digest);
        return new LayerBlob(digest, size, diffId);
    }

    private PaxTarEntry Entry(TarEntryType type, string name, EntryMeta meta)
    {
        var modified = ClampTime is { } clamp && meta.Modified > clamp ? clamp : meta.Modified;
        // Only the attributes set here go into the PAX header: no atime/ctime, so bytes depend on content alone.
        return new PaxTarEntry(type, name)
        {
            Mode = (UnixFileMode)(meta.Mode & 0xFFF),
            Uid = meta.Uid,
            Gid = meta.Gid,
            ModificationTime = DateTimeOffset.FromUnixTimeSeconds(modified.ToUnixTimeSeconds()),
        };
    }

    private void Write(TarEntry entry)
    {
        _tar.WriteEntry(entry);
        Entries++;
    }

    /// <summary>Abandons an unfinished layer: the temporary file is deleted.</summary>
    public void Dispose()
    {
        if (_finished) return;
        _tar.Dispose();
        _gzip.Dispose();
        _file.Dispose();
        _digestHash.Dispose();
        _diffHash.Dispose();
        File.Delete(_temp);
        _finished = true;
    }
}
