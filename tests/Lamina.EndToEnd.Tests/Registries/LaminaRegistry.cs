using System.Text.Json;
using System.Text.RegularExpressions;
using Lamina.EndToEnd.Tests.Infrastructure;

namespace Lamina.EndToEnd.Tests.Registries;

/// <summary>
/// <c>lamina server</c> started as a real process (<c>dotnet lamina.dll server --port 0 --data-dir D</c>)
/// on a data directory the caller owns, so a test can SIGKILL it and start it again on the same data.
/// </summary>
public sealed partial class LaminaRegistry : IRegistryUnderTest
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly ServerProcess _process;

    private LaminaRegistry(ServerProcess process, Uri baseAddress, string dataDir, bool authEnabled, LaminaCredentials credentials)
    {
        _process = process;
        BaseAddress = baseAddress;
        StorageDirectory = dataDir;
        AwsCredentials = credentials;
        Credentials = authEnabled ? new RegistryCredentials(credentials.AccessKeyId, credentials.SecretAccessKey) : null;
    }

    public string Name => "lamina";
    public string Host => BaseAddress.Authority;
    public Uri BaseAddress { get; }
    public RegistryCredentials? Credentials { get; }
    public string StorageDirectory { get; }
    public string ServerLog => _process.Log;
    public int ProcessId => _process.Id;

    /// <summary>The server's generated credentials (DATA/credentials.json), also when auth is off.</summary>
    public LaminaCredentials AwsCredentials { get; }

    /// <summary>Starts the server and waits until it prints the address it listens on.</summary>
    public static async Task<LaminaRegistry> StartAsync(string dataDir, bool authEnabled)
    {
        var arguments = new List<string> { BuildInfo.LaminaCliDll, "server", "--port", "0", "--data-dir", dataDir };
        if (!authEnabled) arguments.Add("--no-auth");
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = ServerProcess.Start(ToolPaths.Require("dotnet"), arguments, new Dictionary<string, string>
        {
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        });
        process.LinePrinted += line =>
        {
            if (ListeningLine().Match(line) is { Success: true } m) listening.TrySetResult(new Uri(m.Groups[1].Value));
        };
        // The line may have been printed before the handler was attached.
        if (ListeningLine().Match(process.Log) is { Success: true } early) listening.TrySetResult(new Uri(early.Groups[1].Value));

        using var cts = new CancellationTokenSource(StartTimeout);
        var exited = process.WaitForExitAsync(cts.Token);
        var first = await Task.WhenAny(listening.Task, exited, Task.Delay(StartTimeout));
        if (first != listening.Task)
        {
            var log = process.Log;
            process.Dispose();
            throw new InvalidOperationException($"lamina server did not start on {dataDir} within {StartTimeout}:\n{log}");
        }
        var baseAddress = await listening.Task;
        var credentials = LaminaCredentials.Read(dataDir);
        return new LaminaRegistry(process, baseAddress, dataDir, authEnabled, credentials);
    }

    public void KillHard() => _process.KillHard();

    public ValueTask DisposeAsync()
    {
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    [GeneratedRegex(@"listening on (http://[^\s/]+/?)")]
    private static partial Regex ListeningLine();
}

/// <summary>The fields of DATA/credentials.json the tests use.</summary>
public sealed record LaminaCredentials(string AccessKeyId, string SecretAccessKey, string Region, string AccountId)
{
    public static LaminaCredentials Read(string dataDir)
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dataDir, "credentials.json")));
        var root = json.RootElement;
        return new LaminaCredentials(
            root.GetProperty("accessKeyId").GetString()!,
            root.GetProperty("secretAccessKey").GetString()!,
            root.GetProperty("region").GetString()!,
            root.TryGetProperty("accountId", out var account) ? account.GetString()! : "000000000000");
    }
}
