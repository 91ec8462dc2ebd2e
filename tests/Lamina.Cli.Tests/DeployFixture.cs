using Lamina.Environments.Tests.Fixtures;
using Lamina.Scheduler;
using Lamina.Scheduler.Tests.Fixtures;
using Lamina.Server;
using Microsoft.Extensions.Logging;

namespace Lamina.Cli.Tests;

/// <summary>
/// Once per deploy test class: a real Lamina server with auth and execution on (short temp path: the sandbox
/// sockets live under it and Unix socket paths stop at 107 bytes), the echo test image pushed by skopeo as
/// cli/echo:v1, and the CLI pointed at it.
/// </summary>
public class DeployFixture : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lamina-cd-").FullName;

    public LaminaHost Host { get; private set; } = null!;
    public string DataDir => Path.Combine(_dir, "d");
    public string CgroupParent { get; } = "lamina-clitest-" + Guid.NewGuid().ToString("N")[..10];
    public string Endpoint => Host.BaseAddress.ToString().TrimEnd('/');

    /// <summary>A derived fixture's changes to the server's options (e.g. a Telemetry section), before it starts.</summary>
    protected virtual void Configure(LaminaOptions options)
    {
    }

    public virtual async Task InitializeAsync()
    {
        var agent = AgentBinary.Path;
        var layout = Path.Combine(_dir, "layout");
        TestImage.WriteLayout(layout, agent, "v1");
        var options = new LaminaOptions
        {
            Port = 0,
            DataDir = DataDir,
            AuthEnabled = true,
            Execution = new ExecutionOptions { Enabled = true, AgentBinary = agent, IdleTimeout = TimeSpan.FromMinutes(10), CgroupParent = CgroupParent },
        };
        Configure(options);
        Host = LaminaHost.Create(options, l => l.SetMinimumLevel(LogLevel.Warning));
        await Host.StartAsync();
        var c = Host.Credentials;
        Tool.Run("/usr/bin/skopeo", "copy", "--dest-tls-verify=false", "--dest-creds", $"{c.AccessKeyId}:{c.SecretAccessKey}",
            $"oci:{layout}:v1", $"docker://{Host.BaseAddress.Authority}/cli/echo:v1");
    }

    /// <summary>Runs lamina with --endpoint and --data-dir pointing at this server.</summary>
    public Task<CliRunner.Result> LaminaAsync(params string[] args) =>
        CliRunner.RunAsync([.. args, "--endpoint", Endpoint, "--data-dir", DataDir]);

    /// <summary>Runs the AWS CLI v2 against this server with its keys, isolated from the host's AWS configuration.</summary>
    public Task<AwsTool.Result> AwsAsync(params string[] args) => AwsTool.RunAsync(Host, args);

    /// <summary>Starts lamina in the background (for <c>logs --follow</c>), pointed at this server.</summary>
    public Task<RunProcess> StartAsync(params string[] args) =>
        RunProcess.StartAsync([.. args, "--endpoint", Endpoint, "--data-dir", DataDir]);

    public virtual async Task DisposeAsync()
    {
        if (Host is not null) await Host.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await Leftovers.CleanAsync(DataDir, CgroupParent);
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
