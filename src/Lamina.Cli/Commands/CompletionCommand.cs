using System.CommandLine;

namespace Lamina.Cli.Commands;

/// <summary>
/// <c>lamina completion bash|zsh</c>: prints a shell function that asks lamina itself for completions through
/// System.CommandLine's <c>[suggest:POSITION]</c> directive, so they always match this binary's commands and
/// options, with no dotnet-suggest tool. <c>source &lt;(lamina completion bash)</c>, or save it to the shell's
/// completion directory.
/// </summary>
internal static class CompletionCommand
{
    // COMP_LINE / COMP_POINT are the whole line and the cursor offset, exactly what [suggest:N] takes.
    private const string Bash = """
        # lamina shell completion (bash). Load with: source <(lamina completion bash)
        _lamina_complete() {
          local IFS=$'\n'
          COMPREPLY=( $(compgen -W "$(lamina "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}") )
        }
        complete -o default -F _lamina_complete lamina
        """;

    private const string Zsh = """
        # lamina shell completion (zsh, through bash completion). Load with: source <(lamina completion zsh)
        autoload -U +X bashcompinit && bashcompinit
        """;

    public static Command Create()
    {
        var shell = new Argument<string>("SHELL") { Description = "bash or zsh." };
        shell.AcceptOnlyFromAmong("bash", "zsh");
        var command = new Command("completion", "Print the shell completion script: source <(lamina completion bash).") { shell };
        command.SetAction(parse =>
        {
            var script = parse.GetValue(shell) == "zsh" ? Zsh + "\n" + Bash : Bash;
            Console.Out.WriteLine(script);
            return ExitCodes.Ok;
        });
        return command;
    }
}
