using Lamina.Cli;
using Lamina.Cli.Commands;
using Spectre.Console;

// Tables are for people; when piped, do not wrap them at a guessed 80 columns.
if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 240;
return await LaminaCommandLine.RunAsync(args);
