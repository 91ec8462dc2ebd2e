using System.CommandLine;
using System.Text.Json.Nodes;
using Lamina.Cli.Client;

namespace Lamina.Cli.Commands;

/// <summary><c>lamina functions publish NAME</c> and <c>lamina functions versions NAME</c>: immutable versions of $LATEST.</summary>
internal static class PublishCommand
{
    public static Command Publish()
    {
        var options = new ClientOptions();
        var name = new Argument<string>("NAME") { Description = "Function name or ARN." };
        var description = new Option<string?>("--description") { Description = "The version's description." };
        var command = options.AddTo(new Command("publish", "Publish $LATEST as a new numbered version (PublishVersion).") { name, description });
        CommandRunner.SetClientAction(command, options, async (parse, client, json, ct) =>
        {
            var body = new JsonObject();
            if (parse.GetValue(description) is { } d) body["Description"] = d;
            var version = await client.LambdaJsonAsync(HttpMethod.Post, FunctionsCommand.FunctionPath(parse.GetValue(name)!, "/versions"), body, ct);
            if (json) Output.Json(version);
            else Console.WriteLine($"Published version {Output.Str(version, "Version")} of {Output.Str(version, "FunctionName")} ({Output.Str(version, "CodeSha256")[..Math.Min(12, Output.Str(version, "CodeSha256").Length)]}).");
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Versions()
    {
        var options = new ClientOptions();
        var name = new Argument<string>("NAME") { Description = "Function name or ARN." };
        var command = options.AddTo(new Command("versions", "List a function's versions ($LATEST and the published ones).") { name });
        CommandRunner.SetClientAction(command, options, async (parse, client, json, ct) =>
        {
            var versions = await ListAsync(client, FunctionsCommand.FunctionPath(parse.GetValue(name)!, "/versions"), "Versions", ct);
            if (json)
            {
                Output.Json(new JsonObject { ["versions"] = new JsonArray([.. versions.Select(v => JsonNode.Parse(v.GetRawText()))]) });
                return ExitCodes.Ok;
            }
            Output.Table(["VERSION", "DESCRIPTION", "CODE SHA256", "MODIFIED"],
                versions.Select(v => new[] { Output.Str(v, "Version"), Output.Str(v, "Description"), Output.Str(v, "CodeSha256"), Output.Str(v, "LastModified") }));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Every page of a Lambda list operation (Marker/NextMarker) under <paramref name="key"/>.</summary>
    public static async Task<List<System.Text.Json.JsonElement>> ListAsync(LaminaClient client, string path, string key, CancellationToken ct)
    {
        var items = new List<System.Text.Json.JsonElement>();
        string? marker = null;
        do
        {
            var page = await client.LambdaJsonAsync(HttpMethod.Get, path + (path.Contains('?', StringComparison.Ordinal) ? '&' : '?')
                + "MaxItems=50" + (marker is null ? "" : "&Marker=" + Uri.EscapeDataString(marker)), null, ct);
            if (page.TryGetProperty(key, out var list)) items.AddRange(list.EnumerateArray());
            marker = Output.Str(page, "NextMarker") is { Length: > 0 } m ? m : null;
        } while (marker is not null);
        return items;
    }
}
