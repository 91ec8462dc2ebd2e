using Lamina.Build.Dockerfile;

namespace Lamina.Build.Tests;

public sealed class ParserTests
{
    [Fact]
    public void Continuations_comments_and_flags_are_handled()
    {
        var parsed = DockerfileParser.Parse("""
            # escape=\
            FROM base AS build

            RUN echo a \
            # a comment inside the continuation
                && echo b
            copy --from=build --chown=1:2 a b /c/
            CMD ["run", "it"]
            """);
        Assert.Equal(["FROM", "RUN", "COPY", "CMD"], parsed.Instructions.Select(i => i.Keyword));
        Assert.Equal(4, parsed.Instructions[1].Line);
        Assert.Equal("echo a     && echo b", parsed.Instructions[1].Arguments);
        Assert.Equal("build", parsed.Instructions[2].Flag("from"));
        Assert.Equal("1:2", parsed.Instructions[2].Flag("chown"));
        Assert.Equal("a b /c/", parsed.Instructions[2].Arguments);
        Assert.Equal(["run", "it"], parsed.Instructions[3].Json);
    }

    [Fact]
    public void Backtick_escape_directive_joins_lines()
    {
        var parsed = DockerfileParser.Parse("# escape=`\nFROM base\nRUN dir c:\\ `\n  /w\n");
        Assert.Equal('`', parsed.EscapeCharacter);
        Assert.Equal("dir c:\\   /w", parsed.Instructions[1].Arguments);
    }

    [Fact]
    public void Shell_test_brackets_stay_shell_form()
    {
        var parsed = DockerfileParser.Parse("FROM base\nRUN [ \"$X\" = y ] && echo ok\n");
        Assert.Null(parsed.Instructions[1].Json);
    }

    [Theory]
    [InlineData("FROM base\nRUN --mount=type=cache,target=/x echo\n", "Dockerfile:2: RUN: flag --mount is not supported")]
    [InlineData("FROM base\nENTRYPOINT [\"a\" \"b\"]\n", "Dockerfile:2: ENTRYPOINT: malformed JSON form")]
    [InlineData("FROM base\nCOPY <<EOF /x\n", "Dockerfile:2: COPY: heredocs")]
    [InlineData("# escape=x\nFROM base\n", "Dockerfile:1: escape: invalid escape character")]
    [InlineData("FROM base\nWORKDIR\n", "Dockerfile:2: WORKDIR: needs at least one argument")]
    public void Bad_lines_are_refused_with_their_location(string text, string expected)
    {
        var e = Assert.Throws<BuildException>(() => DockerfileParser.Parse(text));
        Assert.StartsWith(expected, e.Message);
    }

    [Theory]
    [InlineData("$A", "1")]
    [InlineData("${A}x", "1x")]
    [InlineData("${UNSET:-def}", "def")]
    [InlineData("${EMPTY:-def}", "def")]
    [InlineData("${EMPTY-def}", "")]
    [InlineData("${A:+alt}", "alt")]
    [InlineData("${UNSET:+alt}", "")]
    [InlineData("'$A' \"$A\"", "$A 1")]
    [InlineData("\\$A", "$A")]
    [InlineData("${UNSET:-${A}-nested}", "1-nested")]
    [InlineData("$UNSET/end", "/end")]
    public void Variables_expand_like_docker(string text, string expected)
    {
        var vars = new Dictionary<string, string> { ["A"] = "1", ["EMPTY"] = "" };
        Assert.Equal(expected, new ShellWords(k => vars.GetValueOrDefault(k)).Word(text));
    }

    [Fact]
    public void Words_split_on_unquoted_whitespace()
    {
        var words = new ShellWords(_ => "v").Words("a=\"x y\" b=$V  'c d'");
        Assert.Equal(["a=x y", "b=v", "c d"], words);
    }

    [Fact]
    public void Required_variable_fails_with_its_message()
    {
        var e = Assert.Throws<FormatException>(() => new ShellWords(_ => null).Word("${NAME:?set NAME please}"));
        Assert.Equal("NAME: set NAME please", e.Message);
    }
}
