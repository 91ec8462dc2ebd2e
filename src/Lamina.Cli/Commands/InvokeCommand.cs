using System.CommandLine;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lamina.Cli.Client;
using Lamina.Control.Invoke;

namespace Lamina.Cli.Commands;

/// <summary>
/// <c>lamina invoke NAME</c>: one synchronous invocation, printing the result, the log tail and the duration; with
/// <c>--event</c> an asynchronous one (queued by the server, answered 202 with its request id).
/// </summary>
internal static class InvokeCommand
{
    public static Command Create()
    {
        var options = new ClientOptions();
        var name = new Argument<string>("NAME") { Description = "Function name or ARN." };
        var payload = new Option<string?>("--payload") { Description = "The event as inline JSON." };
        var payloadFile = new Option<string?>("--payload-file") { Description = "Read the event from this file ('-' for stdin)." };
        var qualifier = new Option<string?>("--qualifier", "-q") { Description = "Version or alias to invoke. Default $LATEST." };
        var log = new Option<bool>("--log") { Description = "Also print the last 4 KB of the invocation's log." };
        var asEvent = new Option<bool>("--event") { Description = "Invoke asynchronously (InvocationType Event): the server queues the event and answers with its request id." };
        var command = options.AddTo(new Command("invoke",
            "Invoke a function and print its result. The event comes from --payload, --payload-file, or stdin when piped (default {}).")
            { name, payload, payloadFile, qualifier, log, asEvent });

        CommandRunner.SetClientAction(command, options, async (parse, client, json, ct) =>
        {
            var body = await ReadPayloadAsync(parse.GetValue(payload), parse.GetValue(payloadFile), ct);
            var path = FunctionsCommand.FunctionPath(parse.GetValue(name)!, "/invocations");
            if (parse.GetValue(qualifier) is { } q) path += (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "Qualifier=" + Uri.EscapeDataString(q);
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            var queued = parse.GetValue(asEvent);
            if (queued && parse.GetValue(log)) throw CliException.Usage("--log needs a synchronous invoke: an --event invocation has no log tail (use `lamina logs NAME`).");
            request.Headers.TryAddWithoutValidation("X-Amz-Invocation-Type", queued ? "Event" : "RequestResponse");
            // The tail is always asked for: its REPORT line tells a cold start (Init Duration) from a warm one.
            if (!queued) request.Headers.TryAddWithoutValidation("X-Amz-Log-Type", "Tail");

            var clock = Stopwatch.StartNew();
            using var response = await client.LambdaAsync(request, ct);
            var result = await response.Content.ReadAsStringAsync(ct);
            clock.Stop();
            if (!response.IsSuccessStatusCode) throw RemoteError.From(response, result, client.Settings);
            if (queued)
            {
                var requestId = Header(response, "x-amzn-RequestId") ?? "";
                if (json) Output.Json(new JsonObject { ["statusCode"] = (int)response.StatusCode, ["requestId"] = requestId });
                else Console.WriteLine($"Queued {requestId} ({(int)response.StatusCode}); its output goes to `lamina logs {parse.GetValue(name)}`.");
                return ExitCodes.Ok;
            }

            var functionError = Header(response, "X-Amz-Function-Error");
            var logTail = Header(response, "X-Amz-Log-Result") is { } b64 ? DecodeLog(b64) : null;
            var report = logTail is null ? null : ReportLine.FindLast(logTail.Split('\n'));
            if (json)
            {
                Output.Json(new JsonObject
                {
                    ["statusCode"] = (int)response.StatusCode,
                    ["executedVersion"] = Header(response, "X-Amz-Executed-Version"),
                    ["functionError"] = functionError,
                    ["payload"] = ParseOrString(result),
                    ["log"] = parse.GetValue(log) ? logTail : null,
                    ["coldStart"] = report?.ColdStart,
                    ["initDurationMs"] = report?.InitDurationMs,
                    ["functionDurationMs"] = report?.DurationMs,
                    ["durationMs"] = Math.Round(clock.Elapsed.TotalMilliseconds, 1),
                });
            }
            else
            {
                if (functionError is not null) Console.Error.WriteLine($"lamina: the function failed ({functionError}):");
                (functionError is null ? Console.Out : Console.Error).WriteLine(result);
                if (logTail is not null && parse.GetValue(log)) Console.Error.WriteLine("--- log tail ---\n" + logTail.TrimEnd());
                var start = report switch
                {
                    null => "",
                    { InitDurationMs: { } init } => $", cold start (Init Duration {init:0.00} ms)",
                    _ => ", warm",
                };
                var took = report?.DurationMs is { } d ? $", function {d:0.00} ms" : "";
                Console.Error.WriteLine($"--- {clock.Elapsed.TotalMilliseconds:0.0} ms round trip{took}{start}, version {Header(response, "X-Amz-Executed-Version") ?? "?"}");
            }
            return functionError is null ? ExitCodes.Ok : ExitCodes.RemoteError;
        });
        return command;
    }

    private static async Task<byte[]> ReadPayloadAsync(string? inline, string? file, CancellationToken ct)
    {
        if (inline is not null && file is not null) throw CliException.Usage("give either --payload or --payload-file, not both.");
        string text;
        if (inline is not null) text = inline;
        else if (file is "-" || (file is null && Console.IsInputRedirected)) text = await Console.In.ReadToEndAsync(ct);
        else if (file is not null)
        {
            try
            {
                text = await File.ReadAllTextAsync(file, ct);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                throw CliException.Usage($"payload file '{file}' does not exist. Pass a JSON file, '-' for stdin, or --payload '{{...}}'.");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw CliException.Usage($"cannot read payload file '{file}': {e.Message}");
            }
        }
        else text = "{}";
        if (string.IsNullOrWhiteSpace(text)) text = "{}";
        try
        {
            using var _ = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw CliException.Usage($"the payload is not valid JSON ({e.Message}). Lambda events are JSON documents, e.g. --payload '{{\"key\":\"value\"}}'.");
        }
        return Encoding.UTF8.GetBytes(text);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static string DecodeLog(string base64)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            return base64;
        }
    }

    private static JsonNode? ParseOrString(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }
}
