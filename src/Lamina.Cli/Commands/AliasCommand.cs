using System.CommandLine;
using System.Text.Json.Nodes;
using Lamina.Cli.Client;

namespace Lamina.Cli.Commands;

/// <summary>
/// <c>lamina alias set|ls|rm</c>: aliases point a stable name (NAME:ALIAS) at a version. <c>set</c> creates the
/// alias or moves it (CreateAlias, or UpdateAlias when it exists), so a rollback is <c>lamina alias set NAME live 1</c>.
/// </summary>
internal static class AliasCommand
{
    public static Command Create()
    {
        var command = new Command("alias", "Point aliases at function versions (set creates or moves one: a rollback is `alias set NAME ALIAS OLD-VERSION`).");
        command.Subcommands.Add(Set());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Remove());
        return command;
    }

    private static Command Set()
    {
        var options = new ClientOptions();
        var name = new Argument<string>("NAME") { Description = "Function name." };
        var alias = new Argument<string>("ALIAS") { Description = "Alias name (e.g. live)." };
        var version = new Argument<string>("VERSION") { Description = "A published version number, or $LATEST." };
        var description = new Option<string?>("--description") { Description = "The alias's description." };
        var command = options.AddTo(new Command("set", "Create an alias, or move it to another version.") { name, alias, version, description });
        CommandRunner.SetClientAction(command, options, async (parse, client, json, ct) =>
        {
            var (function, aliasName, target) = (parse.GetValue(name)!, parse.GetValue(alias)!, parse.GetValue(version)!);
            if (target != "$LATEST" && !long.TryParse(target, out _))
                throw new CliException(ExitCodes.Usage, $"VERSION must be a version number or $LATEST, not '{target}' (see `lamina functions versions {function}`).");
            var body = new JsonObject { ["FunctionVersion"] = target };
            if (parse.GetValue(description) is { } d) body["Description"] = d;
            var aliasPath = FunctionsCommand.FunctionPath(function, "/aliases/" + Uri.EscapeDataString(aliasName));
            using var probe = await client.LambdaAsync(new HttpRequestMessage(HttpMethod.Get, aliasPath), ct);
            string? previous = null;
            System.Text.Json.JsonElement answer;
            if (probe.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                body["Name"] = aliasName;
                answer = await client.LambdaJsonAsync(HttpMethod.Post, FunctionsCommand.FunctionPath(function, "/aliases"), body, ct);
            }
            else
            {
                previous = Output.Str(await client.ReadJsonOrThrowAsync(probe, ct), "FunctionVersion");
                answer = await client.LambdaJsonAsync(HttpMethod.Put, aliasPath, body, ct);
            }
            if (json) Output.Json(answer);
            else Console.WriteLine(previous is null
                ? $"Alias {function}:{aliasName} → version {target} (created)."
                : $"Alias {function}:{aliasName} → version {target} (was {previous}).");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List()
    {
        var options = new ClientOptions();
        var name = new Argument<string>("NAME") { Description = "Function name." };
        var command = options.AddTo(new Command("ls", "List a function's aliases and the versions they point at.") { name });
        command.Aliases.Add("list");
        CommandRunner.SetClientAction(command, options, async (parse, client, json, ct) =>
        {
            var aliases = await PublishCommand.ListAsync(client, FunctionsCommand.FunctionPath(parse.GetValue(name)!, "/aliases"), "Aliases", ct);
            if (json)
            {
                Output.Json(new JsonObject { ["aliases"] = new JsonArray([.. aliases.Select(a => JsonNode.Parse(a.GetRawText()))]) });
                return ExitCodes.Ok;
            }
            Output.Table(["ALIAS", "VERSION", "DESCRIPTION"],
                aliases.Select(a => new[] { Output.Str(a, "Name"), Output.Str(a, "FunctionVersion"), Output.Str(a, "Description") }));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Remove()
    {
        var options = new ClientOptions();
        var name = new Argument<string>("NAME") { Description = "Function name." };
        var alias = new Argument<string>("ALIAS") { Description = "Alias name." };
        var command = options.AddTo(new Command("rm", "Delete an alias (the versions stay).") { name, alias });
        command.Aliases.Add("delete");
        CommandRunner.SetClientAction(command, options, async (parse, client, json, ct) =>
        {
            var (function, aliasName) = (parse.GetValue(name)!, parse.GetValue(alias)!);
            await client.LambdaJsonAsync(HttpMethod.Delete, FunctionsCommand.FunctionPath(function, "/aliases/" + Uri.EscapeDataString(aliasName)), null, ct);
            if (json) Output.Json(new JsonObject { ["deleted"] = $"{function}:{aliasName}" });
            else Console.WriteLine($"Deleted alias {function}:{aliasName}.");
            return ExitCodes.Ok;
        });
        return command;
    }
}
