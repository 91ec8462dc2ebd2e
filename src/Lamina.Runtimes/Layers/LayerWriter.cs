using System.Formats.Tar;
using System.IO.Compression;

namespace Lamina.Runtimes.Layers;

/// <summary>
/// Writes a reproducible tar+gzip layer: entries sorted by path (ordinal, so parents precede children), every
/// time stamp set to one epoch, owner names empty, numeric ids kept, GNU format (long names), gzip without a
/// time stamp (zlib's header carries none). Same entries and bytes → same digest.
/// </summary>
public static class LayerWriter
{
    /// <summary>
    /// Writes <paramref name="entries"/> into <paramref name="blobsDirectory"/>/HEX (named by the gzip digest)
    /// and returns its descriptor facts. Paths must be relative and unique.
    /// </summary>
    public static LayerBlob Write(IEnumerable<LayerEntry> entries, string blobsDirectory, DateTimeOffset epoch)
    {
        Directory.CreateDirectory(blobsDirectory);
        var sorted = entries.OrderBy(e => e.Path, StringComparer.Ordinal).ToList();
        for (var i = 1; i < sorted.Count; i++)
            if (sorted[i].Path == sorted[i - 1].Path) throw new ArgumentException($"duplicate layer path {sorted[i].Path}", nameof(entries));
        var temporary = Path.Combine(blobsDirectory, ".layer-" + Guid.NewGuid().ToString("N"));
        string digest, diffId;
        long size;
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            using (var compressedHash = new HashingStream(file, leaveOpen: true))
            {
                using (var gzip = new GZipStream(compressedHash, CompressionLevel.Optimal, leaveOpen: true))
                using (var tarHash = new HashingStream(gzip, leaveOpen: true))
                {
                    using (var tar = new TarWriter(tarHash, TarEntryFormat.Gnu, leaveOpen: true))
                        WriteEntries(tar, sorted, epoch);
                    diffId = tarHash.Digest();
                }
                digest = compressedHash.Digest();
                size = compressedHash.Written;
                file.Flush(flushToDisk: true);
            }
            var final = Path.Combine(blobsDirectory, digest["sha256:".Length..]);
            File.Move(temporary, final, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
        return new LayerBlob(digest, size, diffId);
    }

    private static void WriteEntries(TarWriter tar, List<LayerEntry> sorted, DateTimeOffset epoch)
    {
        var firstOfInode = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in sorted)
        {
            var kind = e.Kind switch
            {
                LayerEntryKind.Directory => TarEntryType.Directory,
                LayerEntryKind.Symlink => TarEntryType.SymbolicLink,
                _ => TarEntryType.RegularFile,
            };
            var name = e.Path;
            if (e.Kind == LayerEntryKind.Whiteout)
            {
                var slash = name.LastIndexOf('/');
                name = name[..(slash + 1)] + ".wh." + name[(slash + 1)..];
            }
            string? hardLinkTo = null;
            if (e is { Kind: LayerEntryKind.File, HardLinkKey: { } key } && !firstOfInode.TryAdd(key, e.Path))
                hardLinkTo = firstOfInode[key];
            var entry = new GnuTarEntry(hardLinkTo is null ? kind : TarEntryType.HardLink, kind == TarEntryType.Directory ? name + "/" : name)
            {
                Mode = (UnixFileMode)(e.Mode & 0xFFF),
                Uid = e.Uid,
                Gid = e.Gid,
                UserName = "",
                GroupName = "",
                ModificationTime = epoch,
                AccessTime = epoch,
                ChangeTime = epoch,
            };
            if (kind == TarEntryType.SymbolicLink) entry.LinkName = e.LinkTarget;
            if (hardLinkTo is not null) entry.LinkName = hardLinkTo;
            Stream? data = null;
            if (e.Kind == LayerEntryKind.File && hardLinkTo is null) entry.DataStream = data = e.Open();
            using (data) tar.WriteEntry(entry);
        }
    }
}
