using Lamina.Cli.Tests;
using Lamina.Server;

namespace Lamina.Runtimes.Tests.Fixtures;

/// <summary>A real Lamina server (auth on, port 0, temporary data directory) and the CLI pointed at it.</summary>
public sealed class LaminaServer : IAsyncDisposable
{
    private LaminaServer(LaminaHost host, string dataDir)
    {
        Host = host;
        DataDir = dataDir;
    }

    public LaminaHost Host { get; }

    public string DataDir { get; }

    public static async Task<LaminaServer> StartAsync()
    {
        var dataDir = Directory.CreateTempSubdirectory("lamina-runtimes-server-").FullName;
        var host = LaminaHost.Create(new LaminaOptions { Port = 0, DataDir = dataDir, AuthEnabled = true });
        await host.StartAsync();
        return new LaminaServer(host, dataDir);
    }

    /// <summary>Runs lamina with --endpoint and --data-dir (credentials) of this server.</summary>
    public Task<CliRunner.Result> LaminaAsync(params string[] args) =>
        CliRunner.RunAsync([.. args, "--endpoint", Host.BaseAddress.ToString().TrimEnd('/'), "--data-dir", DataDir]);

    /// <summary><c>lamina runtimes publish</c> into <paramref name="layout"/> with the test agent and cache, JSON output.</summary>
    public Task<CliRunner.Result> PublishAsync(string layout, params string[] extra) =>
        LaminaAsync(["runtimes", "publish", "--layout", layout, "--agent", BuiltRuntimes.Agent, "--cache-dir", BuiltRuntimes.CacheDirectory, "--output", "json", .. extra]);

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(DataDir, recursive: true);
    }
}
