using System.Formats.Tar;
using System.IO.Compression;
using Lamina.Build.Context;

namespace Lamina.Build.Layers;

/// <summary>
/// ADD's local-archive rule: a tar (plain or gzip) source is unpacked into the destination directory instead of
/// copied. Entry names are cleaned lexically (no '..' survives), so nothing lands outside the destination.
/// Other compressions (bzip2, xz, zstd) are copied as files — a documented difference from Docker.
/// </summary>
internal static class ArchiveExtractor
{
    /// <summary>True for a gzip stream holding a tar, or a plain tar (ustar magic at offset 257).</summary>
    public static bool IsArchive(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            var head = new byte[2];
            if (file.Read(head) == 2 && head[0] == 0x1F && head[1] == 0x8B)
            {
                file.Position = 0;
                using var gz = new GZipStream(file, CompressionMode.Decompress);
                return HasTarMagic(gz);
            }
            file.Position = 0;
            return HasTarMagic(file);
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    private static bool HasTarMagic(Stream s)
    {
        var block = new byte[512];
        return s.ReadAtLeast(block, 512, throwOnEndOfStream: false) == 512 && block.AsSpan(257, 5).SequenceEqual("ustar"u8);
    }

    /// <summary>Writes the archive's entries to <paramref name="layer"/> under <paramref name="directory"/>.</summary>
    public static void Extract(string path, string directory, LayerWriter layer)
    {
        using var file = File.OpenRead(path);
        var gzip = file.ReadByte() == 0x1F;
        file.Position = 0;
        using Stream data = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new TarReader(data);
        string Name(string entry) => PathPattern.Clean(directory + "/" + entry);
        while (reader.GetNextEntry() is { } entry)
        {
            var name = Name(entry.Name);
            if (name.Length == 0) continue;
            var meta = new EntryMeta((int)entry.Mode, entry.Uid, entry.Gid, entry.ModificationTime);
            switch (entry.EntryType)
            {
                case TarEntryType.Directory: layer.AddDirectory(name, meta); break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    layer.AddFile(name, entry.DataStream ?? Stream.Null, meta);
                    break;
                case TarEntryType.SymbolicLink: layer.AddSymlink(name, entry.LinkName, meta); break;
                case TarEntryType.HardLink: layer.AddHardLink(name, Name(entry.LinkName), meta); break;
                case TarEntryType.Fifo: layer.AddFifo(name, meta); break;
            }
        }
    }
}
