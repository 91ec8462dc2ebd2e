using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lamina.Cli.Client;

namespace Lamina.Cli;

/// <summary>
/// Runs a client command: resolves the connection, calls the body, and renders any <see cref="CliException"/>
/// once (stderr text, or a JSON object {"error":{…}} on stdout with --output json) as its exit code.
/// </summary>
internal static class CommandRunner
{
    public delegate Task<int> ClientAction(ParseResult parse, LaminaClient client, bool json, CancellationToken ct);

    public static void SetClientAction(Command command, ClientOptions options, ClientAction action) =>
        command.SetAction(async (parse, ct) =>
        {
            var json = options.Json(parse);
            try
            {
                using var client = new LaminaClient(ConnectionSettings.Resolve(parse, options));
                return await action(parse, client, json, ct);
            }
            catch (CliException e)
            {
                return Fail(e, json);
            }
        });

    /// <summary>Renders one failure and returns its exit code.</summary>
    public static int Fail(CliException e, bool json)
    {
        if (json)
        {
            var error = new JsonObject { ["exitCode"] = e.ExitCode, ["message"] = e.Message };
            if (e.ErrorType is { Length: > 0 } t) error["type"] = t;
            Console.Out.WriteLine(new JsonObject { ["error"] = error }.ToJsonString(Output.Indented));
        }
        Console.Error.WriteLine("lamina: " + e.Message);
        return e.ExitCode;
    }
}
