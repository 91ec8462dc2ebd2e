using Lamina.Server;

namespace Lamina.Cli.Tests;

/// <summary>A real Lamina server (auth on, port 0, temporary data directory) shared by one test class.</summary>
public sealed class CliServerFixture : IAsyncLifetime
{
    public string DataDir { get; } = Directory.CreateTempSubdirectory("lamina-cli-").FullName;
    public LaminaHost Host { get; private set; } = null!;
    public string Endpoint => Host.BaseAddress.ToString().TrimEnd('/');

    public async Task InitializeAsync()
    {
        Host = LaminaHost.Create(new LaminaOptions { Port = 0, DataDir = DataDir, AuthEnabled = true });
        await Host.StartAsync();
    }

    /// <summary>Runs lamina with --endpoint and --data-dir pointing at this server (credentials from its data directory).</summary>
    public Task<CliRunner.Result> LaminaAsync(params string[] args) =>
        CliRunner.RunAsync([.. args, "--endpoint", Endpoint, "--data-dir", DataDir]);

    /// <summary>Runs the AWS CLI v2 against this server with its keys, isolated from the host's AWS configuration.</summary>
    public Task<AwsTool.Result> AwsAsync(params string[] args) => AwsTool.RunAsync(Host, args);

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(DataDir, recursive: true);
    }
}
