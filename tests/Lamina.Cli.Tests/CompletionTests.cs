using System.Diagnostics;

namespace Lamina.Cli.Tests;

/// <summary><c>lamina completion bash</c>, loaded into a real bash and asked for completions as bash's completer would.</summary>
public sealed class CompletionTests
{
    [Theory]
    [InlineData("lamina fun", "functions")]
    [InlineData("lamina functions ", "inspect")]
    [InlineData("lamina run --ti", "--timeout")]
    [InlineData("lamina completion ", "zsh")]
    public async Task Bash_completes_commands_and_options(string line, string expected)
    {
        var words = line.Split(' ');
        var script = $$"""
            lamina() { dotnet '{{CliRunner.LaminaDll}}' "$@"; }
            source <(lamina completion bash)
            COMP_LINE='{{line}}'; COMP_POINT={{line.Length}}; COMP_WORDS=({{string.Join(' ', words.Select(w => $"'{w}'"))}}); COMP_CWORD={{words.Length - 1}}
            _lamina_complete
            printf '%s\n' "${COMPREPLY[@]}"
            """;
        var start = new ProcessStartInfo("/bin/bash") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var bash = Process.Start(start)!;
        await bash.StandardInput.WriteAsync(script);
        bash.StandardInput.Close();
        var output = await bash.StandardOutput.ReadToEndAsync();
        var errors = await bash.StandardError.ReadToEndAsync();
        await bash.WaitForExitAsync();
        Assert.True(bash.ExitCode == 0, errors);
        var completions = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(expected, completions);
        // Only candidates for the word being completed.
        Assert.All(completions, c => Assert.StartsWith(words[^1], c, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_shell_is_a_usage_error()
    {
        var result = await CliRunner.RunAsync(["completion", "fish"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("fish", result.Stderr);
    }
}
