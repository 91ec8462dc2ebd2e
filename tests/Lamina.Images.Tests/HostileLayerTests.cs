using System.Formats.Tar;
using Lamina.Images.Unpack;
using Lamina.Oci;

namespace Lamina.Images.Tests;

/// <summary>
/// One regression test per way a hostile layer has escaped extractors before. Every test asserts, through
/// <see cref="Workspace.Refused"/> or <see cref="Workspace.Accepted"/>, that nothing outside the snapshot was
/// created or changed, and that the error names the offending entry.
/// </summary>
public sealed class HostileLayerTests : IDisposable
{
    private readonly Workspace ws = new();

    public void Dispose() => ws.Dispose();

    private string OutsideVictim => Path.Combine(ws.Outside, "victim");

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/../../escape")]
    [InlineData("./../../outside/victim")]
    public void DotDot_paths_are_refused(string name)
    {
        var e = ws.Refused(new LayerBuilder().File(name, "pwned").Tar(), ImageErrorCode.UnsafeLayer);
        Assert.Contains("'..'", e.Message);
    }

    [Fact]
    public void Absolute_paths_are_refused()
    {
        var e = ws.Refused(new LayerBuilder().File(OutsideVictim, "pwned").Tar(), ImageErrorCode.UnsafeLayer);
        Assert.Contains("absolute", e.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void CVE_2018_15664_write_through_an_extracted_symlinked_parent_is_refused(bool absoluteTarget)
    {
        var target = absoluteTarget ? ws.Outside : "../../outside";
        var e = ws.Refused(new LayerBuilder().Symlink("link", target).File("link/victim", "pwned").Tar(), ImageErrorCode.UnsafeLayer);
        Assert.Contains("symlink 'link'", e.Message);
        Assert.Equal("original", File.ReadAllText(OutsideVictim));
    }

    [Fact]
    public void CVE_2021_29136_directory_entry_through_a_symlinked_parent_is_refused()
    {
        var tar = new LayerBuilder().Symlink("etc", ws.Outside).Dir("etc/newdir/").File("etc/newdir/f").Tar();
        ws.Refused(tar, ImageErrorCode.UnsafeLayer);
        Assert.False(Directory.Exists(Path.Combine(ws.Outside, "newdir")));
    }

    [Fact]
    public void CVE_2021_29136_whiteout_through_a_symlink_is_refused()
    {
        ws.Refused(new LayerBuilder().Symlink("link", ws.Outside).File("link/.wh.victim", "").Tar(), ImageErrorCode.UnsafeLayer);
        Assert.True(File.Exists(OutsideVictim));
    }

    [Fact]
    public void CVE_2021_29136_opaque_whiteout_through_a_symlink_is_refused()
    {
        ws.Refused(new LayerBuilder().Symlink("link", Path.Combine(ws.Outside, "victimdir")).File("link/.wh..wh..opq", "").Tar(),
            ImageErrorCode.UnsafeLayer);
        Assert.True(File.Exists(Path.Combine(ws.Outside, "victimdir", "inner")));
    }

    [Fact]
    public void Escaping_symlink_is_stored_as_data_and_never_written_through()
    {
        // The symlink itself is legal rootfs content; replacing it with a file must unlink it, not follow it.
        var result = ws.Accepted(new LayerBuilder().Symlink("f", OutsideVictim).File("f", "pwned").Tar());
        Assert.Equal("pwned", File.ReadAllText(ws.In("f")));
        Assert.True(ws.Stat("f")!.Value.IsRegular);
        Assert.Equal(2, result.Stats.Entries);
    }

    [Fact]
    public void CVE_2021_32760_metadata_is_never_applied_through_a_symlink()
    {
        // containerd once chmod-ed the target of a symlink; here a directory entry replaces the link instead,
        // and a hardlink to the symlink links the link itself.
        var tar = new LayerBuilder()
            .Symlink("d", Path.Combine(ws.Outside, "victimdir"))
            .Dir("d/", 0x1FF)
            .Symlink("s", OutsideVictim)
            .Hardlink("h", "s", 0xFFF)
            .Tar();
        ws.Accepted(tar);
        Assert.True(ws.Stat("d")!.Value.IsDirectory);
        Assert.True(ws.Stat("h")!.Value.IsSymlink);
    }

    [Theory]
    [InlineData("../outside/victim")]
    [InlineData("/etc/passwd")]
    [InlineData("link/victim")]
    [InlineData("missing")]
    [InlineData("dir")]
    public void Hardlinks_must_target_an_earlier_file_inside_the_snapshot(string target)
    {
        var tar = new LayerBuilder().Symlink("link", ws.Outside).Dir("dir/").Hardlink("h", target).Tar();
        ws.Refused(tar, ImageErrorCode.UnsafeLayer);
        Assert.Null(ws.Stat("h"));
    }

    [Fact]
    public void A_hardlink_replacing_the_directory_that_holds_its_target_is_refused()
    {
        // Found by afl-fuzz (fuzz/, target tar): removing "etc" to put the link there removed etc/hosts first,
        // and link(2) failed with ENOENT as an IOException instead of a layer error.
        var tar = new LayerBuilder().Dir("etc/").File("etc/hosts", "127.0.0.1").Hardlink("etc", "etc/hosts").Tar();
        var e = ws.Refused(tar, ImageErrorCode.InvalidLayer);
        Assert.Contains("which the entry itself replaces", e.Message);
    }

    [Fact]
    public void Device_nodes_are_skipped_and_counted()
    {
        var tar = new LayerBuilder()
            .Device("dev/sda", TarEntryType.BlockDevice, 8, 0)
            .Device("dev/mem", TarEntryType.CharacterDevice, 1, 1)
            .Tar();
        var result = ws.Accepted(tar);
        Assert.Null(ws.Stat("dev/sda"));
        Assert.Null(ws.Stat("dev/mem"));
        Assert.Equal(2, result.Stats.DevicesSkipped);
    }

    [Fact]
    public void Setuid_and_setgid_bits_are_stripped()
    {
        var result = ws.Accepted(new LayerBuilder().File("su", "x", 0xDED).Dir("g/", 0x5ED).Tar());
        Assert.Equal(0x1EDu, ws.Stat("su")!.Value.Mode & 0xFFF);
        Assert.Equal(0x1EDu, ws.Stat("g")!.Value.Mode & 0xFFF);
        Assert.Equal(2, result.Stats.SetIdBitsStripped);
    }

    [Fact]
    public void Overlay_and_capability_xattrs_from_the_layer_are_dropped()
    {
        var pax = new Dictionary<string, string>
        {
            ["SCHILY.xattr.trusted.overlay.redirect"] = "/etc",
            ["SCHILY.xattr.security.capability"] = "x",
        };
        var result = ws.Accepted(new LayerBuilder().File("f", "x", pax: pax).Tar());
        Assert.Null(Native.LibC.GetXattrNoFollow(ws.In("f"), "trusted.overlay.redirect"));
        Assert.Equal(2, result.Stats.XattrsDropped);
    }

    [Fact]
    public void Duplicate_entry_replacing_a_directory_with_a_symlink_cannot_be_written_through()
    {
        var tar = new LayerBuilder().Dir("d/").File("d/a").Symlink("d", ws.Outside).File("d/victim", "pwned").Tar();
        ws.Refused(tar, ImageErrorCode.UnsafeLayer);
        Assert.Equal("original", File.ReadAllText(OutsideVictim));
    }

    [Fact]
    public void Replacing_a_directory_never_deletes_through_its_symlinks()
    {
        var tar = new LayerBuilder().Dir("d/").Symlink("d/l", Path.Combine(ws.Outside, "victimdir")).Symlink("d/r", "../../outside")
            .File("d", "file now").Tar();
        ws.Accepted(tar);
        Assert.True(File.Exists(Path.Combine(ws.Outside, "victimdir", "inner")));
        Assert.Equal("file now", File.ReadAllText(ws.In("d")));
    }

    [Fact]
    public void Very_long_component_is_refused()
    {
        var e = ws.Refused(new LayerBuilder().File(new string('a', 256), "x").Tar(), ImageErrorCode.UnsafeLayer);
        Assert.Contains("255", e.Message);
    }

    [Fact]
    public void Very_long_path_is_refused()
    {
        var name = string.Join('/', Enumerable.Repeat(new string('a', 200), 21));
        var e = ws.Refused(new LayerBuilder().File(name, "x").Tar(), ImageErrorCode.UnsafeLayer);
        Assert.Contains("4096", e.Message);
    }

    [Fact]
    public void Decompression_bomb_is_refused_at_the_layer_limit()
    {
        var bomb = new LayerBuilder().Big("zeros", 8L << 20).Gzip();
        var limits = new UnpackLimits { MaxLayerBytes = 1 << 20 };
        var e = ws.Refused(bomb, ImageErrorCode.TooLarge, MediaTypes.OciLayerGzip, limits);
        Assert.Contains("more than 1048576 bytes", e.Message);
    }

    [Fact]
    public void Decompression_bomb_is_refused_at_the_ratio_limit()
    {
        var bomb = new LayerBuilder().Big("zeros", 8L << 20).Gzip();
        var limits = new UnpackLimits { RatioFloorBytes = 1 << 20, MaxCompressionRatio = 50 };
        var e = ws.Refused(bomb, ImageErrorCode.TooLarge, MediaTypes.OciLayerGzip, limits);
        Assert.Contains("ratio", e.Message);
    }

    [Theory]
    [InlineData("application/vnd.oci.image.layer.v1.tar+bzip2")]
    [InlineData(MediaTypes.DockerForeignLayerGzip)]
    [InlineData("application/vnd.oci.image.layer.nondistributable.v1.tar+gzip")]
    public void Unknown_media_types_are_refused(string mediaType)
    {
        var e = ws.Refused(new LayerBuilder().File("f").Gzip(), ImageErrorCode.UnsupportedMediaType, mediaType);
        Assert.Contains(mediaType, e.Message);
    }
}
