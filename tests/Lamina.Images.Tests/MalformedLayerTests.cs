using System.Text;
using Lamina.Oci;

namespace Lamina.Images.Tests;

/// <summary>CVE-2017-14992 family: garbage and truncated archives give a clear error, never a crash or a hang.</summary>
public sealed class MalformedLayerTests : IDisposable
{
    private readonly Workspace ws = new();

    public void Dispose() => ws.Dispose();

    [Fact]
    public void CVE_2017_14992_garbage_header_is_a_clear_error()
    {
        var garbage = new byte[4096];
        new Random(14992).NextBytes(garbage);
        var e = ws.Refused(garbage, ImageErrorCode.InvalidLayer);
        Assert.Contains("not a valid tar stream", e.Message);
    }

    [Fact]
    public void CVE_2017_14992_non_octal_checksum_is_a_clear_error()
    {
        var tar = new LayerBuilder().File("f", "content").Tar();
        Encoding.ASCII.GetBytes("zz\u00ffzz\0").CopyTo(tar, 148); // checksum field that is not octal
        ws.Refused(tar, ImageErrorCode.InvalidLayer);
    }

    [Fact]
    public void CVE_2017_14992_huge_size_field_is_a_clear_error()
    {
        var tar = new LayerBuilder().File("f", "content").Tar();
        // size field (offset 124, 12 bytes octal) claims 8 GiB of data that is not there; fix the checksum.
        Encoding.ASCII.GetBytes("77777777777\0").CopyTo(tar, 124);
        FixChecksum(tar);
        var e = ws.Refused(tar, ImageErrorCode.InvalidLayer);
        Assert.Contains("size field", e.Message);
    }

    [Fact]
    public void Truncated_tar_is_a_clear_error()
    {
        var tar = new LayerBuilder().File("f", new string('x', 5000)).Tar();
        ws.Refused(tar[..2048], ImageErrorCode.InvalidLayer);
    }

    [Fact]
    public void Truncated_gzip_is_a_clear_error()
    {
        var gz = new LayerBuilder().File("f", new string('x', 50_000)).Gzip();
        ws.Refused(gz[..(gz.Length / 2)], ImageErrorCode.InvalidLayer, MediaTypes.OciLayerGzip);
    }

    [Fact]
    public void Gzip_media_type_with_plain_tar_bytes_is_a_clear_error()
    {
        var e = ws.Refused(new LayerBuilder().File("f").Tar(), ImageErrorCode.InvalidLayer, MediaTypes.OciLayerGzip);
        Assert.Contains("gzip", e.Message);
    }

    [Fact]
    public void Zstd_garbage_is_a_clear_error()
    {
        var e = ws.Refused(Encoding.ASCII.GetBytes("not zstd at all, not zstd at all"), ImageErrorCode.InvalidLayer, MediaTypes.OciLayerZstd);
        Assert.Contains("zstd", e.Message);
    }

    private static void FixChecksum(byte[] tar)
    {
        Encoding.ASCII.GetBytes("        ").CopyTo(tar, 148);
        var sum = 0;
        for (var i = 0; i < 512; i++) sum += tar[i];
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(tar, 148);
    }
}
