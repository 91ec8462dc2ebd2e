using Lamina.Aws.Signing;

namespace Lamina.Aws.Tests.Signing;

public class SigV4CanonicalTests
{
    [Theory]
    [InlineData("/", "/")]
    [InlineData("", "/")]
    [InlineData("/example/..//./a%3Ab/", "/a%253Ab/")]
    [InlineData("/functions/arn%3Aaws%3Alambda/invocations", "/functions/arn%253Aaws%253Alambda/invocations")]
    [InlineData("/a b~c", "/a%20b~c")]
    public void Paths_are_normalized_and_encoded_again(string raw, string expected) =>
        Assert.Equal(expected, SigV4Canonical.CanonicalUri(raw));

    [Theory]
    [InlineData("?b=2&a=1", "a=1&b=2")]
    [InlineData("?a=2&a=1", "a=1&a=2")]
    [InlineData("?flag", "flag=")]
    [InlineData("?k=a%20b%2Fc", "k=a%20b%2Fc")]
    [InlineData("?k=%e2%82%ac", "k=%E2%82%AC")]
    [InlineData("?X-Amz-Signature=abc&z=1", "z=1")]
    public void Queries_are_decoded_re_encoded_and_sorted(string raw, string expected) =>
        Assert.Equal(expected, SigV4Canonical.CanonicalQuery(raw, "X-Amz-Signature"));

    [Fact]
    public void Header_values_are_trimmed_and_inner_runs_collapsed() =>
        Assert.Equal("a b c", SigV4Canonical.TrimAll("  a   b \t c  "));

    [Fact]
    public void Encoding_keeps_only_unreserved_characters() =>
        Assert.Equal("AZaz09-_.~%2F%3D%2B%20%C3%A9", SigV4Canonical.Encode("AZaz09-_.~/=+ é", keepSlash: false));
}
