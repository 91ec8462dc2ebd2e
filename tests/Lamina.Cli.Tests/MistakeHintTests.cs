namespace Lamina.Cli.Tests;

/// <summary>
/// A new user's common mistakes (a typo'd command or flag, a name that does not exist, deploy's -e) each get
/// one message that says what is wrong and what to run instead.
/// </summary>
public sealed class MistakeHintTests(CliServerFixture server) : IClassFixture<CliServerFixture>
{
    [Fact]
    public async Task A_typod_command_suggests_the_command_line_meant()
    {
        var r = await CliRunner.RunAsync(["functoins", "ls"]);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("unknown command 'functoins'. Did you mean `lamina functions ls`?", r.Stderr, StringComparison.Ordinal);
        // The typo explains the other parse errors: they are not listed too.
        Assert.DoesNotContain("Required command", r.Stderr, StringComparison.Ordinal);
    }

    /// <summary>Mistakes made against the server: what was run, the exit code, what stderr must say and must not.</summary>
    public static TheoryData<string, string[], int, string[], string[]> ServerMistakes => new()
    {
        {
            "a typo'd flag suggests the option", ["invoke", "hello", "--paylaod", "{}"], 2,
            ["unknown option '--paylaod'. Did you mean `lamina invoke hello --payload {}"], []
        },
        {
            "a token close to nothing keeps the parser's errors", ["functions", "ls", "--zzzzzzzz"], 2,
            ["Unrecognized command or argument '--zzzzzzzz'"], ["Did you mean"]
        },
        {
            "an unknown function points at functions ls", ["functions", "inspect", "no-such-fn"], 1,
            ["ResourceNotFoundException", "no-such-fn", "`lamina functions ls` lists the functions"], []
        },
        {
            "a missing repository says how to list and create one", ["images", "inspect", "no-such-repo:latest"], 1,
            ["RepositoryNotFoundException", "aws ecr create-repository --repository-name NAME"], []
        },
    };

    [Theory]
    [MemberData(nameof(ServerMistakes))]
    public async Task A_mistake_against_the_server_gets_its_exit_code_and_one_message_saying_what_to_do(
        string mistake, string[] args, int exitCode, string[] says, string[] neverSays)
    {
        var r = await server.LaminaAsync(args);
        Assert.True(r.ExitCode == exitCode, $"{mistake}: {r}");
        foreach (var text in says) Assert.Contains(text, r.Stderr, StringComparison.Ordinal);
        foreach (var text in neverSays) Assert.DoesNotContain(text, r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_dash_e_with_a_url_says_it_is_env_there()
    {
        var r = await CliRunner.RunAsync(["deploy", "fn", "--image", "x:1", "-e", server.Endpoint, "--data-dir", server.DataDir]);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("-e is --env", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("--endpoint " + server.Endpoint, r.Stderr, StringComparison.Ordinal);

        var help = await CliRunner.RunAsync(["deploy", "--help"]);
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("-e, --env", help.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("-e, --endpoint", help.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_of_a_directory_without_a_Dockerfile_is_a_usage_error_naming_f()
    {
        var dir = Directory.CreateTempSubdirectory("lamina-cli-nodockerfile-").FullName;
        try
        {
            var r = await CliRunner.RunAsync(["build", dir]);
            Assert.True(r.ExitCode == 2, r.ToString());
            Assert.Contains($"no Dockerfile in '{dir}'", r.Stderr, StringComparison.Ordinal);
            Assert.Contains("-f PATH", r.Stderr, StringComparison.Ordinal);

            var named = await CliRunner.RunAsync(["build", dir, "-f", Path.Combine(dir, "Containerfile")]);
            Assert.True(named.ExitCode == 2, named.ToString());
            Assert.Contains("Containerfile' does not exist", named.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
