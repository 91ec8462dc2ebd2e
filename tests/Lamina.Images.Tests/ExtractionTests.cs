using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using Lamina.Images.Native;
using Lamina.Images.Unpack;
using Lamina.Oci;

namespace Lamina.Images.Tests;

/// <summary>What an honest layer turns into: files, modes, owners, links, xattrs, mtimes, whiteouts.</summary>
public sealed class ExtractionTests : IDisposable
{
    private readonly Workspace ws = new();

    public void Dispose() => ws.Dispose();

    [Fact]
    public void Files_directories_links_and_metadata_are_reproduced()
    {
        var tar = new LayerBuilder()
            .Dir("./")
            .Dir("usr/", 0x1ED).Dir("usr/bin", 0x1C0)
            .File("usr/bin/tool", "#!/bin/sh\necho hi\n", 0x1ED, uid: 1000, gid: 1001)
            .File("usr/data", "x", 0x1A4, pax: new Dictionary<string, string> { ["SCHILY.xattr.user.lamina"] = "yes" })
            .Symlink("usr/bin/alias", "tool")
            .Symlink("usr/abs", "/etc/passwd")
            .Hardlink("usr/bin/tool2", "usr/bin/tool")
            .Fifo("usr/pipe")
            .Tar();

        var result = ws.Accepted(tar);

        Assert.Equal(Digest.Compute(tar), result.DiffId);
        Assert.Equal(tar.Length, result.UncompressedBytes);
        Assert.Equal("#!/bin/sh\necho hi\n", File.ReadAllText(ws.In("usr/bin/tool")));
        var tool = ws.Stat("usr/bin/tool")!.Value;
        Assert.Equal(0x1EDu, tool.Mode & 0xFFF);
        Assert.Equal((1000u, 1001u), (tool.Uid, tool.Gid));
        Assert.Equal(0x1C0u, ws.Stat("usr/bin")!.Value.Mode & 0xFFF);
        Assert.Equal(new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc), File.GetLastWriteTimeUtc(ws.In("usr/bin/tool")));
        Assert.Equal(new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc), Directory.GetLastWriteTimeUtc(ws.In("usr/bin")));
        Assert.Equal("tool", new FileInfo(ws.In("usr/bin/alias")).LinkTarget);
        Assert.Equal("/etc/passwd", new FileInfo(ws.In("usr/abs")).LinkTarget);
        Assert.Equal(tool.Inode, ws.Stat("usr/bin/tool2")!.Value.Inode);
        Assert.Equal(LibC.S_IFIFO, ws.Stat("usr/pipe")!.Value.Type);
        Assert.Equal("yes"u8.ToArray(), LibC.GetXattrNoFollow(ws.In("usr/data"), "user.lamina"));
    }

    [Fact]
    public void Whiteouts_become_overlay_whiteouts()
    {
        var tar = new LayerBuilder()
            .Dir("etc/")
            .File("etc/.wh.removed", "")
            .Dir("var/cache/")
            .File("var/cache/.wh..wh..opq", "")
            .File("var/cache/new", "n")
            .File("nodir/.wh.gone", "")
            .Tar();

        var result = ws.Accepted(tar);

        var wh = ws.Stat("etc/removed")!.Value;
        Assert.Equal(LibC.S_IFCHR, wh.Type);
        Assert.Equal(0ul, wh.Rdev);
        Assert.Null(ws.Stat("etc/.wh.removed"));
        Assert.Equal("y"u8.ToArray(), LibC.GetXattrNoFollow(ws.In("var/cache"), "trusted.overlay.opaque"));
        Assert.Null(ws.Stat("var/cache/.wh..wh..opq"));
        Assert.Equal(LibC.S_IFCHR, ws.Stat("nodir/gone")!.Value.Type);
        Assert.Equal(2, result.Stats.Whiteouts);
        Assert.Equal(1, result.Stats.OpaqueDirectories);
    }

    [Fact]
    public void A_whiteout_does_not_hide_a_file_of_the_same_layer()
    {
        ws.Accepted(new LayerBuilder().File("a", "kept").File(".wh.a", "").Tar());
        Assert.Equal("kept", File.ReadAllText(ws.In("a")));
    }

    [Fact]
    public void Duplicate_entries_later_wins()
    {
        var tar = new LayerBuilder()
            .File("x", "first")
            .File("x", "second")
            .Dir("d/").File("d/child", "c")
            .File("d", "now a file")
            .Symlink("s", "x")
            .Dir("s/")
            .Tar();

        ws.Accepted(tar);

        Assert.Equal("second", File.ReadAllText(ws.In("x")));
        Assert.Equal("now a file", File.ReadAllText(ws.In("d")));
        Assert.True(ws.Stat("s")!.Value.IsDirectory);
    }

    [Fact]
    public void Gzip_and_zstd_layers_give_the_diff_id_of_their_tar()
    {
        var tar = new LayerBuilder().Dir("a/").File("a/b", new string('z', 100_000)).Tar();
        var gz = ws.Unpack(LayerBuilder.GzipBytes(tar), MediaTypes.OciLayerGzip);
        Assert.Equal(Digest.Compute(tar), gz.DiffId);
        Directory.Delete(ws.Target, recursive: true);
        Directory.CreateDirectory(ws.Target);
        var zst = ws.Unpack(LayerBuilder.ZstdBytes(tar), MediaTypes.OciLayerZstd);
        Assert.Equal(Digest.Compute(tar), zst.DiffId);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(new string('z', 100_000)))),
            Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(ws.In("a/b")))));
    }

    [Fact]
    public void Read_ahead_thread_gives_the_same_diff_id_and_rethrows_limit_errors()
    {
        var tar = new LayerBuilder().Dir("a/").Big("a/big", 3_000_000).File("a/small", "s").Tar();
        var gz = LayerBuilder.GzipBytes(tar);
        var result = LayerUnpacker.Unpack(new MemoryStream(gz), MediaTypes.OciLayerGzip, gz.Length, ws.Target, new UnpackLimits(), readAhead: true);
        Assert.Equal(Digest.Compute(tar), result.DiffId);
        Assert.Equal(3_000_000, new FileInfo(ws.In("a/big")).Length);

        var other = Path.Combine(ws.Root, "snap", "other");
        Directory.CreateDirectory(other);
        var e = Assert.Throws<ImageException>(() => LayerUnpacker.Unpack(new MemoryStream(gz), MediaTypes.OciLayerGzip, gz.Length, other,
            new UnpackLimits { MaxLayerBytes = 1_000_000 }, readAhead: true));
        Assert.Equal(ImageErrorCode.TooLarge, e.Code);
        var bad = Assert.Throws<ImageException>(() => LayerUnpacker.Unpack(new MemoryStream(gz[..(gz.Length / 2)]), MediaTypes.OciLayerGzip,
            gz.Length, other, new UnpackLimits(), readAhead: true));
        Assert.Equal(ImageErrorCode.InvalidLayer, bad.Code);
    }

    [Fact]
    public void Gnu_long_names_are_read()
    {
        var name = string.Join('/', Enumerable.Repeat(new string('n', 200), 5));
        using var ms = new MemoryStream();
        using (var w = new TarWriter(ms, TarEntryFormat.Gnu, leaveOpen: true))
        {
            w.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream("long"u8.ToArray()) });
        }
        ws.Accepted(ms.ToArray());
        Assert.Equal("long", File.ReadAllText(ws.In(name)));
    }
}
