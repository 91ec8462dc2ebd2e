using System.CommandLine;
using Lamina.Cli.Commands;

namespace Lamina.Cli;

/// <summary>The command tree, and the one place parse errors become exit code 2.</summary>
internal static class LaminaCommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand("Lamina: self-hosted serverless functions packaged as container images");
        root.Subcommands.Add(ServerCommand.Create());
        root.Subcommands.Add(FunctionsCommand.Create());
        root.Subcommands.Add(ImagesCommand.Create());
        root.Subcommands.Add(InvokeCommand.Create());
        root.Subcommands.Add(LogsCommand.Create());
        root.Subcommands.Add(DeployCommand.Create());
        root.Subcommands.Add(AliasCommand.Create());
        root.Subcommands.Add(PushCommand.Create());
        root.Subcommands.Add(BuildCommand.Create());
        root.Subcommands.Add(CredentialsCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(CompletionCommand.Create());
        root.Subcommands.Add(GcCommand.Create());
        root.Subcommands.Add(RuntimesCommand.Create());
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var parse = Build().Parse(args);
        if (parse.Errors.Count > 0)
        {
            // A typo explains every other error of the parse (the missing command, the words after it): say that one thing.
            if (TypoHint.Find(parse) is var (token, suggestion))
                await Console.Error.WriteLineAsync("lamina: " + TypoHint.Render(parse, token, suggestion));
            else
                foreach (var error in parse.Errors) await Console.Error.WriteLineAsync("lamina: " + error.Message);
            await Console.Error.WriteLineAsync("Run `lamina --help` (or `lamina COMMAND --help`) for usage.");
            return ExitCodes.Usage;
        }
        // Ctrl-C / SIGTERM cancel the action's token; the action then gets this long to clean up (lamina run
        // destroys its sandbox) before System.CommandLine gives up on it.
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30) });
    }
}
