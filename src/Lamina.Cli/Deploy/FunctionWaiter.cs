using System.Diagnostics;
using System.Text.Json;
using Lamina.Cli.Client;
using Lamina.Cli.Commands;

namespace Lamina.Cli.Deploy;

/// <summary>Polls GetFunction until the function is Active with LastUpdateStatus Successful, or reports why it failed.</summary>
internal static class FunctionWaiter
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(10);
    private static readonly char[] Frames = ['|', '/', '-', '\\'];

    /// <summary>The function's configuration once ready; a <see cref="CliException"/> (exit 1) with the reason code when it failed.</summary>
    public static async Task<JsonElement> WaitAsync(LaminaClient client, string name, CancellationToken ct)
    {
        var spinner = !Console.IsErrorRedirected;
        var clock = Stopwatch.StartNew();
        var frame = 0;
        try
        {
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
                if (spinner) Console.Error.Write($"\r{Frames[frame++ % Frames.Length]} waiting for {name}: {state}, update {update}   ");
                await Task.Delay(TimeSpan.FromMilliseconds(300), ct);
            }
        }
        finally
        {
            if (spinner) Console.Error.Write("\r\u001b[K");
        }
    }

    private static CliException Failed(string name, string what, string code, string reason) =>
        new(ExitCodes.RemoteError, $"function '{name}' {what}: {(code.Length > 0 ? code : "no reason code")}{(reason.Length > 0 ? " — " + reason : "")}", code);
}
