using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using CsCheck;
using Lamina.Images;
using Lamina.Images.Unpack;
using Lamina.Oci;

namespace Lamina.Hostile.Tests.Input;

/// <summary>
/// Random and mutated tar layers (traversal names, absolute paths, symlinks and hard links pointing out,
/// files written through links, whiteouts, devices, corrupt headers) unpacked into a fresh directory: the
/// unpacker fails only with <see cref="ImageException"/> and never writes outside the snapshot, which a scan of
/// the surrounding directories checks after every sample (this process runs as root: nothing else would stop it).
/// </summary>
public sealed class TarLayerProperties : IDisposable
{
    private readonly string _run = Directory.CreateTempSubdirectory("lamina-fuzz-tar-").FullName;
    private int _sample;

    private string Escape => Path.Combine(_run, "escape");

    [Fact]
    public void Hostile_tar_layers_never_write_outside_the_snapshot()
    {
        Directory.CreateDirectory(Escape);
        var names = Fuzz.Tokens("a", "b", "/", "..", ".", "../", "link", ".wh.", ".wh..wh..opq", "dir/", "x", "//", "\\", "escape/", _run + "/");
        var targets = Gen.OneOf<string>("..", "../..", "../../escape", Escape, _run, "/", "a", "link", "link/..", "dir", "../outer");
        var entry = Gen.Select(
            Gen.OneOf<TarEntryType>(TarEntryType.RegularFile, TarEntryType.Directory, TarEntryType.SymbolicLink, TarEntryType.HardLink,
                TarEntryType.CharacterDevice, TarEntryType.Fifo, TarEntryType.RegularFile),
            names, targets, Gen.Int[0, 4096]);
        var layer = Gen.Select(entry.Array[1, 12], Gen.OneOf<TarEntryFormat>(TarEntryFormat.Pax, TarEntryFormat.Gnu, TarEntryFormat.Ustar, TarEntryFormat.V7), Gen.Bool)
            .SelectMany(t => Gen.OneOf(Gen.Const(Tar(t.Item1, t.Item2)), Fuzz.Mutations(Tar(t.Item1, t.Item2))).Select(bytes => (bytes, t.Item3)));
        Fuzz.Run(layer, t => UnpackAndScan(t.bytes, t.Item2), t => Convert.ToBase64String(t.bytes));
    }

    private void UnpackAndScan(byte[] tar, bool gzip)
    {
        var outer = Path.Combine(_run, "outer" + _sample++);
        var target = Path.Combine(outer, "target");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(outer, "sentinel"), "untouched");
        var blob = gzip ? Gzip(tar) : tar;
        try
        {
            LayerUnpacker.Unpack(new MemoryStream(blob), gzip ? MediaTypes.OciLayerGzip : MediaTypes.OciLayerTar, blob.Length, target,
                new UnpackLimits { MaxLayerBytes = 1 << 20, RatioFloorBytes = 1 << 20 });
        }
        catch (ImageException)
        {
            // A refusal is a fine answer; what it must not do is leave anything outside.
        }
        Assert.Equal(["sentinel", "target"], Directory.GetFileSystemEntries(outer).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("untouched", File.ReadAllText(Path.Combine(outer, "sentinel")));
        Assert.Empty(Directory.GetFileSystemEntries(Escape));
        Assert.Equal(["escape", Path.GetFileName(outer)], Directory.GetFileSystemEntries(_run).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        // Symlinks may point anywhere (they are resolved inside the sandbox's root later), so the scan never follows one:
        // a layer's symlink to "/" must not send this check through the host's whole filesystem.
        var entries = new DirectoryInfo(target).EnumerateFileSystemInfos("*", new EnumerationOptions
            { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true }).Count();
        Assert.True(entries < 10_000, $"{entries} entries from one small layer");
        Directory.Delete(outer, recursive: true);
    }

    private static byte[] Tar((TarEntryType Type, string Name, string Link, int Size)[] entries, TarEntryFormat format)
    {
        var ms = new MemoryStream();
        using (var writer = new TarWriter(ms, format, leaveOpen: true))
        {
            foreach (var (type, name, link, size) in entries)
            {
                var t = format == TarEntryFormat.V7 && type == TarEntryType.RegularFile ? TarEntryType.V7RegularFile : type;
                TarEntry e;
                try
                {
                    e = format switch
                    {
                        TarEntryFormat.Pax => new PaxTarEntry(t, Name(name)),
                        TarEntryFormat.Gnu => new GnuTarEntry(t, Name(name)),
                        TarEntryFormat.Ustar => new UstarTarEntry(t, Name(name)),
                        _ => new V7TarEntry(t, Name(name)),
                    };
                }
                catch (ArgumentException)
                {
                    continue; // a type this format cannot express
                }
                if (type is TarEntryType.SymbolicLink or TarEntryType.HardLink) e.LinkName = link;
                if (type == TarEntryType.RegularFile) e.DataStream = new MemoryStream(Encoding.ASCII.GetBytes(new string('x', size)));
                try { writer.WriteEntry(e); }
                catch (ArgumentException) { } // a name too long for the format
            }
        }
        return ms.ToArray();
    }

    private static string Name(string s) => s.Length == 0 ? "a" : s;

    private static byte[] Gzip(byte[] bytes)
    {
        var ms = new MemoryStream();
        using (var z = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) z.Write(bytes);
        return ms.ToArray();
    }

    public void Dispose()
    {
        try { Directory.Delete(_run, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
