using System.Diagnostics;
using System.Text.Json;
using Lamina.Cli.Client;
using Lamina.Cli.Commands;
using Spectre.Console;

namespace Lamina.Cli.Deploy;

/// <summary>
/// Polls GetFunction until the function is Active with LastUpdateStatus Successful, or reports why it failed.
/// While it is Pending (or its update InProgress) the server's image-pull report is shown: a progress bar on a
/// terminal's stderr, a line per change otherwise.
/// </summary>
internal static class FunctionWaiter
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(10);

    /// <summary>The function's configuration once ready; a <see cref="CliException"/> (exit 1) with the reason code when it failed.</summary>
    public static async Task<JsonElement> WaitAsync(LaminaClient client, string name, CancellationToken ct, bool quiet = false)
    {
        if (quiet) return await PollAsync(client, name, null, ct);
        if (Console.IsErrorRedirected) return await PollAsync(client, name, new LineWaitView(), ct);
        var stderr = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        JsonElement ready = default;
        await stderr.Progress().AutoClear(true)
            .Columns(new SpinnerColumn(), new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn())
            .StartAsync(async ctx => ready = await PollAsync(client, name, new BarWaitView(ctx), ct));
        return ready;
    }

    private static async Task<JsonElement> PollAsync(LaminaClient client, string name, IWaitView? view, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var response = await client.LambdaAsync(new HttpRequestMessage(HttpMethod.Get, FunctionsCommand.FunctionPath(name)), ct);
            var got = await client.ReadJsonOrThrowAsync(response, ct);
            var config = got.GetProperty("Configuration");
            var state = Output.Str(config, "State");
            var update = Output.Str(config, "LastUpdateStatus");
            if (state == "Failed")
                throw Failed(name, "State Failed", Output.Str(config, "StateReasonCode"), Output.Str(config, "StateReason"));
            if (update == "Failed")
                throw Failed(name, "update Failed", Output.Str(config, "LastUpdateStatusReasonCode"), Output.Str(config, "LastUpdateStatusReason"));
            if (state == "Active" && update is "Successful" or "") return got;
            if (clock.Elapsed > Limit)
                throw new CliException(ExitCodes.RemoteError, $"function '{name}' is still {state}/{update} after {Limit.TotalMinutes:0} minutes; check `lamina functions inspect {name}`.");
            if (view is not null)
            {
                var pull = state == "Pending" || update == "InProgress" ? await ImagePull.GetAsync(client, name, ct) : null;
                view.Show(name, state, update, pull);
            }
            await Task.Delay(TimeSpan.FromMilliseconds(300), ct);
        }
    }

    private static CliException Failed(string name, string what, string code, string reason) =>
        new(ExitCodes.RemoteError, $"function '{name}' {what}: {(code.Length > 0 ? code : "no reason code")}{(reason.Length > 0 ? " — " + reason : "")}", code);
}
