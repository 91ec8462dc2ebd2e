using Lamina.Build.Context;

namespace Lamina.Build.Tests;

public sealed class DockerIgnoreTests
{
    [Theory]
    [InlineData("node_modules", "node_modules/x/y.js", true)]
    [InlineData("*.md", "README.md", true)]
    [InlineData("*.md", "docs/README.md", false)]
    [InlineData("**/*.md", "docs/deep/README.md", true)]
    [InlineData("**/*.md", "README.md", true)]
    [InlineData("/build", "build/out", true)]
    [InlineData("./tmp?", "tmp1", true)]
    [InlineData("[a-c]*.txt", "b1.txt", true)]
    [InlineData("[^a-c]*.txt", "b1.txt", false)]
    [InlineData("dir/**", "dir/a/b", true)]
    public void Patterns_match_like_docker(string pattern, string path, bool excluded) =>
        Assert.Equal(excluded, new DockerIgnore([pattern]).IsExcluded(path));

    [Fact]
    public void The_last_matching_line_wins_and_exceptions_reinclude()
    {
        var ignore = new DockerIgnore(["# comment", "", "*.log", "!keep.log", "logs", "!logs/important.log"]);
        Assert.True(ignore.IsExcluded("a.log"));
        Assert.False(ignore.IsExcluded("keep.log"));
        Assert.True(ignore.IsExcluded("logs/x.txt"));
        Assert.False(ignore.IsExcluded("logs/important.log"));
        Assert.False(ignore.IsExcluded("src/app.py"));
    }
}
