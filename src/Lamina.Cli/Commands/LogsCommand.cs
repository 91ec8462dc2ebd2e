using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lamina.Cli.Client;
using Lamina.Cli.Logs;

namespace Lamina.Cli.Commands;

/// <summary>
/// <c>lamina logs NAME [--follow] [--since 10m] [--filter TERM]</c>: a function's log events from its log group
/// (LoggingConfig.LogGroup, /aws/lambda/NAME unless configured) through the CloudWatch Logs API (FilterLogEvents),
/// like <c>aws logs tail</c>.
/// </summary>
internal static class LogsCommand
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    public static Command Create()
    {
        var options = new ClientOptions();
        var name = new Argument<string>("NAME") { Description = "Function name or ARN." };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep polling (about once a second) for new events until Ctrl-C." };
        var since = new Option<string>("--since") { Description = "Start this long ago (30s, 10m, 2h, 1d) or at an ISO 8601 time. Default 10m.", DefaultValueFactory = _ => "10m" };
        var filter = new Option<string?>("--filter") { Description = "CloudWatch filter pattern: terms (all must match), \"phrases\", ?any, -exclude." };
        var command = options.AddTo(new Command("logs", "Print a function's logs (its configured log group, /aws/lambda/NAME by default): stream and message per event.") { name, follow, since, filter });

        CommandRunner.SetClientAction(command, options, async (parse, client, json, ct) =>
        {
            var function = FunctionName(parse.GetValue(name)!);
            var start = SinceParser.Parse(parse.GetValue(since)!, DateTimeOffset.UtcNow);
            var (group, exists) = await LogGroupAsync(client, function, ct);
            var printer = new EventPrinter(json, !Console.IsOutputRedirected);
            using var logs = new LogsApi(client.Settings);
            var seen = new Dictionary<string, long>(StringComparer.Ordinal);
            try
            {
                while (true)
                {
                    var (events, missing) = await FetchAsync(logs, group, start, parse.GetValue(filter), ct);
                    if (missing && !parse.GetValue(follow)) throw NoLogGroup(function, group, exists);
                    foreach (var e in events)
                    {
                        var id = Output.Str(e, "eventId");
                        var at = e.TryGetProperty("timestamp", out var ts) ? ts.GetInt64() : 0;
                        if (!seen.TryAdd(id, at)) continue;
                        printer.Print(e);
                        start = Math.Max(start, at);
                    }
                    if (!parse.GetValue(follow)) return ExitCodes.Ok;
                    // Events at the newest timestamp are asked for again (more may share it); older ids can go.
                    foreach (var old in seen.Where(kv => kv.Value < start).Select(kv => kv.Key).ToList()) seen.Remove(old);
                    await Task.Delay(PollInterval, ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return ExitCodes.Ok;
            }
        });
        return command;
    }

    /// <summary>Every page of FilterLogEvents from <paramref name="start"/>; <c>missing</c> when the group does not exist.</summary>
    private static async Task<(List<JsonElement> Events, bool Missing)> FetchAsync(LogsApi logs, string group, long start, string? filter, CancellationToken ct)
    {
        var events = new List<JsonElement>();
        string? token = null;
        do
        {
            var request = new Dictionary<string, object> { ["logGroupName"] = group, ["startTime"] = start, ["interleaved"] = true };
            if (filter is { Length: > 0 }) request["filterPattern"] = filter;
            if (token is not null) request["nextToken"] = token;
            var (page, error) = await logs.CallAsync("FilterLogEvents", request, ct, "ResourceNotFoundException");
            if (error is not null) return ([], true);
            if (page.TryGetProperty("events", out var list)) events.AddRange(list.EnumerateArray());
            token = Output.Str(page, "nextToken") is { Length: > 0 } t ? t : null;
        } while (token is not null);
        return (events, false);
    }

    /// <summary>
    /// The function's log group as its configuration names it (GetFunction's LoggingConfig.LogGroup), so a custom
    /// group is followed like the default one. A function that does not exist (any more) reads /aws/lambda/NAME,
    /// where its logs stay after deletion; <c>exists</c> is false then. Other errors (credentials, server) throw.
    /// </summary>
    private static async Task<(string Group, bool Exists)> LogGroupAsync(LaminaClient client, string function, CancellationToken ct)
    {
        var fallback = DefaultGroup(function);
        using var response = await client.LambdaAsync(new HttpRequestMessage(HttpMethod.Get, FunctionsCommand.FunctionPath(function)), ct);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound) return (fallback, false);
        var got = await client.ReadJsonOrThrowAsync(response, ct);
        return got.TryGetProperty("Configuration", out var c) && c.TryGetProperty("LoggingConfig", out var logging)
            && Output.Str(logging, "LogGroup") is { Length: > 0 } group
            ? (group, true)
            : (fallback, true);
    }

    /// <summary>Lambda's default log group of a function.</summary>
    private static string DefaultGroup(string function) => "/aws/lambda/" + function;

    /// <summary>The error for a missing log group: the function does not exist, or has never run.</summary>
    private static CliException NoLogGroup(string function, string group, bool exists) => exists
        ? new CliException(ExitCodes.RemoteError, $"function '{function}' has no logs yet (no log group {group}): invoke it first, e.g. `lamina invoke {function}`.", "ResourceNotFoundException")
        : new CliException(ExitCodes.RemoteError, $"function '{function}' does not exist (see `lamina functions ls`).", "ResourceNotFoundException");

    /// <summary>The function name out of a name or ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]).</summary>
    public static string FunctionName(string nameOrArn)
    {
        var parts = nameOrArn.Split(':');
        if (nameOrArn.StartsWith("arn:", StringComparison.Ordinal) && parts.Length >= 7) return parts[6];
        return parts[0];
    }

    private sealed class EventPrinter(bool json, bool ansi)
    {
        public void Print(JsonElement e)
        {
            var message = Output.Str(e, "message").TrimEnd('\n', '\r');
            var stream = Output.Str(e, "logStreamName");
            var at = e.TryGetProperty("timestamp", out var ts) ? ts.GetInt64() : 0;
            if (json)
            {
                Console.Out.WriteLine(new JsonObject
                {
                    ["timestamp"] = at, ["logStreamName"] = stream, ["eventId"] = Output.Str(e, "eventId"), ["message"] = message,
                }.ToJsonString());
                return;
            }
            var time = DateTimeOffset.FromUnixTimeMilliseconds(at).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            Console.Out.WriteLine(ansi ? $"\u001b[2m{time} {stream}\u001b[0m {message}" : $"{time} {stream} {message}");
        }
    }
}
