using System.CommandLine;

namespace Lamina.Cli.Client;

/// <summary>
/// The options every client command shares (endpoint, credentials, output format). Added per command rather
/// than recursively on the root so that <c>lamina server --data-dir</c> keeps its own meaning.
/// </summary>
internal sealed class ClientOptions
{
    public const string DefaultEndpoint = "http://127.0.0.1:5050";

    public Option<string?> Endpoint { get; } = new("--endpoint", "-e") { Description = $"Lamina server URL. Default $LAMINA_ENDPOINT or {DefaultEndpoint}." };
    public Option<string?> AccessKey { get; } = new("--access-key") { Description = "Access key id. Default $AWS_ACCESS_KEY_ID, then the data directory's credentials.json." };
    public Option<string?> SecretKey { get; } = new("--secret-key") { Description = "Secret access key. Default $AWS_SECRET_ACCESS_KEY, then the data directory's credentials.json." };
    public Option<string?> DataDir { get; } = new("--data-dir", "-d") { Description = "The server's data directory, to read credentials.json from. Default $XDG_DATA_HOME/lamina." };
    public Option<string> Output { get; } = new("--output", "-o") { Description = "Output format: table (for people) or json (for scripts).", DefaultValueFactory = _ => "table" };

    public ClientOptions()
    {
        Output.AcceptOnlyFromAmong("table", "json");
    }

    /// <summary>
    /// Adds the shared options to <paramref name="command"/> and returns it. Call it after the command's own
    /// options: a command whose own option already uses <c>-e</c> keeps it, and --endpoint loses that alias there.
    /// </summary>
    public Command AddTo(Command command)
    {
        // `lamina deploy -e K=V` is --env (as docker run -e): its help must not also list -e for --endpoint.
        if (command.Options.Any(o => o.Aliases.Contains("-e"))) Endpoint.Aliases.Remove("-e");
        command.Options.Add(Endpoint);
        command.Options.Add(AccessKey);
        command.Options.Add(SecretKey);
        command.Options.Add(DataDir);
        command.Options.Add(Output);
        return command;
    }

    public bool Json(ParseResult parse) => parse.GetValue(Output) == "json";
}
