using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Lamina.Images.Tests;

/// <summary>Builds layer tar streams entry by entry, including entries no honest tool would write.</summary>
internal sealed class LayerBuilder
{
    private readonly MemoryStream tar = new();
    private readonly TarWriter writer;
    private static readonly DateTimeOffset Time = new(2020, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public LayerBuilder() => writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true);

    public LayerBuilder Dir(string name, int mode = 0x1ED) =>
        Add(new PaxTarEntry(TarEntryType.Directory, name) { Mode = (UnixFileMode)mode, ModificationTime = Time });

    public LayerBuilder File(string name, string content = "data", int mode = 0x1A4, int uid = 0, int gid = 0,
        IDictionary<string, string>? pax = null)
    {
        var entry = pax is null ? new PaxTarEntry(TarEntryType.RegularFile, name) : new PaxTarEntry(TarEntryType.RegularFile, name, pax);
        entry.Mode = (UnixFileMode)mode;
        entry.Uid = uid;
        entry.Gid = gid;
        entry.ModificationTime = Time;
        entry.DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content));
        return Add(entry);
    }

    public LayerBuilder Big(string name, long size)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { Mode = (UnixFileMode)0x1A4, ModificationTime = Time };
        entry.DataStream = new ZeroStream(size);
        return Add(entry);
    }

    public LayerBuilder Symlink(string name, string target) =>
        Add(new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target, ModificationTime = Time });

    public LayerBuilder Hardlink(string name, string target, int mode = 0x1A4) =>
        Add(new PaxTarEntry(TarEntryType.HardLink, name) { LinkName = target, Mode = (UnixFileMode)mode, ModificationTime = Time });

    public LayerBuilder Device(string name, TarEntryType type, int major, int minor) =>
        Add(new PaxTarEntry(type, name) { DeviceMajor = major, DeviceMinor = minor, Mode = (UnixFileMode)0x1B6, ModificationTime = Time });

    public LayerBuilder Fifo(string name) => Add(new PaxTarEntry(TarEntryType.Fifo, name) { Mode = (UnixFileMode)0x1A4, ModificationTime = Time });

    public LayerBuilder Add(TarEntry entry)
    {
        writer.WriteEntry(entry);
        return this;
    }

    /// <summary>The uncompressed tar (with its end-of-archive blocks).</summary>
    public byte[] Tar()
    {
        writer.Dispose();
        return tar.ToArray();
    }

    public byte[] Gzip() => GzipBytes(Tar());

    public static byte[] GzipBytes(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(data);
        return output.ToArray();
    }

    public static byte[] ZstdBytes(byte[] data)
    {
        using var compressor = new ZstdSharp.Compressor(3);
        return compressor.Wrap(data).ToArray();
    }
}
