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

    [Fact]
    public async Task A_typod_flag_suggests_the_option()
    {
        var r = await server.LaminaAsync("invoke", "hello", "--paylaod", "{}");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("unknown option '--paylaod'. Did you mean `lamina invoke hello --payload {}", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_close_to_nothing_keeps_the_parsers_errors()
    {
        var r = await server.LaminaAsync("functions", "ls", "--zzzzzzzz");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("Unrecognized command or argument '--zzzzzzzz'", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Did you mean", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_function_points_at_functions_ls()
    {
        var r = await server.LaminaAsync("functions", "inspect", "no-such-fn");
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("ResourceNotFoundException", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("no-such-fn", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("`lamina functions ls` lists the functions", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_repository_says_how_to_list_and_create_one()
    {
        var r = await server.LaminaAsync("images", "inspect", "no-such-repo:latest");
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("RepositoryNotFoundException", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("aws ecr create-repository --repository-name NAME", r.Stderr, StringComparison.Ordinal);
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
