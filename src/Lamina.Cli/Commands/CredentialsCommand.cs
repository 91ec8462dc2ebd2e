using System.CommandLine;
using System.Text.Json.Nodes;
using Lamina.Cli.Client;

namespace Lamina.Cli.Commands;

/// <summary><c>lamina credentials</c>: the server's keys as shell exports (<c>eval "$(lamina credentials)"</c>).</summary>
internal static class CredentialsCommand
{
    public static Command Create()
    {
        var dataDir = new Option<string?>("--data-dir", "-d") { Description = "The server's data directory. Default $XDG_DATA_HOME/lamina." };
        var endpoint = new Option<string?>("--endpoint", "-e") { Description = "Endpoint to print in LAMINA_ENDPOINT / AWS_ENDPOINT_URL." };
        var output = new Option<string>("--output", "-o") { Description = "table (shell exports) or json.", DefaultValueFactory = _ => "table" };
        output.AcceptOnlyFromAmong("table", "json");
        var command = new Command("credentials", "Print shell exports for the server's credentials (read from DATA/credentials.json).") { dataDir, endpoint, output };
        command.SetAction(parse =>
        {
            var json = parse.GetValue(output) == "json";
            try
            {
                var c = ConnectionSettings.ReadCredentialFile(parse.GetValue(dataDir));
                var url = parse.GetValue(endpoint) ?? Environment.GetEnvironmentVariable("LAMINA_ENDPOINT") ?? ClientOptions.DefaultEndpoint;
                if (json)
                {
                    Output.Json(new JsonObject
                    {
                        ["accessKeyId"] = c.AccessKeyId, ["secretAccessKey"] = c.SecretAccessKey,
                        ["region"] = c.Region, ["accountId"] = c.AccountId, ["endpoint"] = url,
                    });
                    return ExitCodes.Ok;
                }
                Console.WriteLine($"export AWS_ACCESS_KEY_ID={c.AccessKeyId}");
                Console.WriteLine($"export AWS_SECRET_ACCESS_KEY='{c.SecretAccessKey}'");
                Console.WriteLine($"export AWS_DEFAULT_REGION={c.Region}");
                Console.WriteLine($"export LAMINA_ENDPOINT={url}");
                Console.WriteLine($"export AWS_ENDPOINT_URL={url}");
                return ExitCodes.Ok;
            }
            catch (CliException e)
            {
                return CommandRunner.Fail(e, json);
            }
        });
        return command;
    }
}
