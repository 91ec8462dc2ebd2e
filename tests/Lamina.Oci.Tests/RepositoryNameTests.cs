namespace Lamina.Oci.Tests;

public class RepositoryNameTests
{
    [Theory]
    [InlineData("hello")]
    [InlineData("library/ubuntu")]
    [InlineData("a/b/c/d")]
    [InlineData("my-app_v2.0")]
    [InlineData("a__b")]
    public void Accepts_spec_names(string name) => Assert.True(RepositoryName.IsValid(name));

    [Theory]
    [InlineData("")]
    [InlineData("Hello")]
    [InlineData("../etc")]
    [InlineData("a/../b")]
    [InlineData("/abs")]
    [InlineData("trailing/")]
    [InlineData("a//b")]
    [InlineData("-lead")]
    [InlineData("a..b")]
    [InlineData("a b")]
    [InlineData("a\0b")]
    public void Rejects_names_outside_the_grammar(string name) => Assert.False(RepositoryName.IsValid(name));

    [Fact]
    public void Rejects_overlong_names() => Assert.False(RepositoryName.IsValid(new string('a', 256)));

    [Theory]
    [InlineData("latest", true)]
    [InlineData("v1.2.3-rc_1", true)]
    [InlineData(".hidden", false)]
    [InlineData("-dash", false)]
    [InlineData("with/slash", false)]
    public void Validates_tags(string tag, bool valid) => Assert.Equal(valid, RepositoryName.IsValidTag(tag));

    [Fact]
    public void Tags_are_at_most_128_characters()
    {
        Assert.True(RepositoryName.IsValidTag(new string('a', 128)));
        Assert.False(RepositoryName.IsValidTag(new string('a', 129)));
    }
}
