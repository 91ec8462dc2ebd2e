using System.CommandLine;
using System.Text.Json.Nodes;
using Lamina.Cli.Client;
using Lamina.Server;

namespace Lamina.Cli.Commands;

/// <summary>
/// <c>lamina gc [--grace-period SECONDS]</c>: registry garbage collection now (the server also runs it
/// periodically), through the signed admin endpoint <c>POST /lamina/admin/v1/gc</c>. Prints the blobs deleted and
/// bytes freed, the repository links dropped and the referrers deleted because their subject was gone
/// (<c>--output json</c>: the endpoint's answer as is).
/// </summary>
internal static class GcCommand
{
    public static Command Create()
    {
        var options = new ClientOptions();
        var grace = new Option<int?>("--grace-period") { Description = "Only delete unreferenced blobs untouched for this many seconds. Default: the server's Registry:GcGracePeriod (1 hour)." };
        var command = options.AddTo(new Command("gc", "Delete registry blobs no image refers to any more, now.") { grace });
        CommandRunner.SetClientAction(command, options, async (parse, client, json, ct) =>
        {
            var path = AdminEndpoints.GcPath;
            if (parse.GetValue(grace) is { } seconds)
            {
                if (seconds < 0) throw CliException.Usage("--grace-period must be 0 or more seconds.");
                path += "?gracePeriodSeconds=" + seconds;
            }
            using var http = new HttpClient(new SigV4Handler(client.Settings, AdminEndpoints.SigningName)) { BaseAddress = client.Settings.Endpoint, Timeout = TimeSpan.FromHours(1) };
            HttpResponseMessage response;
            try
            {
                response = await http.PostAsync(path, new ByteArrayContent([]), ct);
            }
            catch (HttpRequestException e)
            {
                throw LaminaClient.Unreachable(client.Settings.Endpoint, e);
            }
            using (response)
            {
                var result = await client.ReadJsonOrThrowAsync(response, ct);
                if (json) Output.Json(JsonNode.Parse(result.GetRawText()));
                else
                {
                    Console.WriteLine($"Deleted {result.GetProperty("blobsDeleted").GetInt32()} blobs, freed " +
                        $"{Output.Bytes(result.GetProperty("bytesFreed").GetInt64())}; dropped {Count(result, "linksRemoved")} repository links " +
                        $"and {Count(result, "referrersDeleted")} referrers of deleted images (grace period {result.GetProperty("gracePeriodSeconds").GetInt64()} s).");
                }
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>A count the answer may lack (a server older than the CLI): 0 then.</summary>
    private static int Count(System.Text.Json.JsonElement result, string name) =>
        result.TryGetProperty(name, out var value) ? value.GetInt32() : 0;
}
