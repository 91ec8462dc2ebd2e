using System.Text;

namespace Lamina.Oci.Tests;

public class DigestTests
{
    [Fact]
    public void Computes_the_sha256_of_known_content()
    {
        var digest = Digest.Compute(Encoding.ASCII.GetBytes("abc"));
        Assert.Equal("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", digest.ToString());
    }

    [Fact]
    public void Computes_the_sha512_of_known_content()
    {
        var digest = Digest.Compute(""u8, DigestAlgorithm.Sha512);
        Assert.StartsWith("sha512:cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce", digest.ToString(), StringComparison.Ordinal);
        Assert.Equal(128, digest.Encoded.Length);
    }

    [Theory]
    [InlineData("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("sha512:cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e")]
    public void Round_trips(string text) => Assert.Equal(text, Digest.Parse(text).ToString());

    [Theory]
    [InlineData("")]
    [InlineData("sha256")]
    [InlineData("sha256:")]
    [InlineData("sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD")] // upper-case hex
    [InlineData("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a")]   // one short
    [InlineData("sha256:../../../../etc/passwd00000000000000000000000000000000000000000000")]
    [InlineData("md5:d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData(":ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    public void Rejects_malformed_or_unknown_digests(string text) => Assert.False(Digest.TryParse(text, out _));

    [Theory]
    [InlineData("md5:d41d8cd98f00b204e9800998ecf8427e", true)]
    [InlineData("sha256:abc", false)]
    [InlineData("not a digest", false)]
    public void Tells_unsupported_algorithms_from_garbage(string text, bool unsupported) =>
        Assert.Equal(unsupported, Digest.IsUnsupportedAlgorithm(text));
}
