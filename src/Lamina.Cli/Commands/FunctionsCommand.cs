using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lamina.Cli.Client;

namespace Lamina.Cli.Commands;

/// <summary><c>lamina functions ls|inspect|rm|publish|versions</c> over the Lambda control plane.</summary>
internal static class FunctionsCommand
{
    public static Command Create()
    {
        var command = new Command("functions", "List, inspect, publish and remove functions.");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Inspect());
        command.Subcommands.Add(Remove());
        command.Subcommands.Add(PublishCommand.Publish());
        command.Subcommands.Add(PublishCommand.Versions());
        return command;
    }

    private static Command List()
    {
        var options = new ClientOptions();
        var command = options.AddTo(new Command("ls", "List functions: name, state, last update status, image, memory, timeout."));
        command.Aliases.Add("list");
        CommandRunner.SetClientAction(command, options, async (_, client, json, ct) =>
        {
            var functions = new List<JsonElement>();
            string? marker = null;
            do
            {
                var path = "/2015-03-31/functions?MaxItems=50" + (marker is null ? "" : "&Marker=" + Uri.EscapeDataString(marker));
                using var response = await client.LambdaAsync(new HttpRequestMessage(HttpMethod.Get, path), ct);
                var page = await client.ReadJsonOrThrowAsync(response, ct);
                if (page.TryGetProperty("Functions", out var list)) functions.AddRange(list.EnumerateArray());
                marker = Output.Str(page, "NextMarker") is { Length: > 0 } m ? m : null;
            } while (marker is not null);

            if (json)
            {
                Output.Json(new JsonObject { ["functions"] = JsonSerializer.SerializeToNode(functions) });
                return ExitCodes.Ok;
            }
            if (functions.Count == 0)
            {
                Console.WriteLine("No functions yet. Create one with `aws lambda create-function --package-type Image --code ImageUri=…`.");
                return ExitCodes.Ok;
            }
            // ListFunctions has no image URI for image functions; one GetFunction per row gives it.
            var rows = new List<string[]>();
            foreach (var f in functions)
            {
                var name = Output.Str(f, "FunctionName");
                rows.Add([name, Output.Str(f, "State"), Output.Str(f, "LastUpdateStatus"), await ImageOfAsync(client, name, ct),
                    Output.Str(f, "MemorySize") + " MB", Output.Str(f, "Timeout") + " s"]);
            }
            Output.Table(["NAME", "STATE", "LAST UPDATE", "IMAGE", "MEMORY", "TIMEOUT"], rows);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<string> ImageOfAsync(LaminaClient client, string name, CancellationToken ct)
    {
        using var response = await client.LambdaAsync(new HttpRequestMessage(HttpMethod.Get, FunctionPath(name)), ct);
        if (!response.IsSuccessStatusCode) return "";
        var got = await client.ReadJsonOrThrowAsync(response, ct);
        return got.TryGetProperty("Code", out var code) ? Output.Str(code, "ImageUri") : "";
    }

    private static Command Inspect()
    {
        var options = new ClientOptions();
        var name = new Argument<string>("NAME") { Description = "Function name or ARN (NAME:QUALIFIER for a version or alias)." };
        var command = options.AddTo(new Command("inspect", "Print a function's configuration, code and tags as JSON.") { name });
        CommandRunner.SetClientAction(command, options, async (parse, client, _, ct) =>
        {
            using var response = await client.LambdaAsync(new HttpRequestMessage(HttpMethod.Get, FunctionPath(parse.GetValue(name)!)), ct);
            Output.Json(await client.ReadJsonOrThrowAsync(response, ct));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Remove()
    {
        var options = new ClientOptions();
        var name = new Argument<string>("NAME") { Description = "Function name (NAME:VERSION removes one version)." };
        var command = options.AddTo(new Command("rm", "Delete a function (all its versions and aliases).") { name });
        command.Aliases.Add("delete");
        CommandRunner.SetClientAction(command, options, async (parse, client, json, ct) =>
        {
            var target = parse.GetValue(name)!;
            using var response = await client.LambdaAsync(new HttpRequestMessage(HttpMethod.Delete, FunctionPath(target)), ct);
            await client.ReadJsonOrThrowAsync(response, ct);
            if (json) Output.Json(new JsonObject { ["deleted"] = target });
            else Console.WriteLine($"Deleted function {target}.");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The function's REST path; NAME:QUALIFIER becomes ?Qualifier= so ARNs and plain names both work.</summary>
    public static string FunctionPath(string name, string suffix = "")
    {
        string? qualifier = null;
        if (!name.StartsWith("arn:", StringComparison.Ordinal))
        {
            var colon = name.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0) (name, qualifier) = (name[..colon], name[(colon + 1)..]);
        }
        var path = $"/2015-03-31/functions/{Uri.EscapeDataString(name)}{suffix}";
        return qualifier is null ? path : path + "?Qualifier=" + Uri.EscapeDataString(qualifier);
    }
}
