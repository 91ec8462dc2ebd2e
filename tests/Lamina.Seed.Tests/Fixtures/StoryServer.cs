using Lamina.Cli.Tests;
using Lamina.Environments.Tests.Fixtures;
using Lamina.Scheduler.Tests.Fixtures;

namespace Lamina.Seed.Tests.Fixtures;

/// <summary>
/// The new user's setup, all through <c>lamina</c> processes: <c>lamina server</c> (execution on, short temp data
/// directory for the control sockets' 107-byte limit) and <c>lamina runtimes publish --image python</c> (Debian
/// layers from the shared test cache).
/// </summary>
public sealed class StoryServer : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lstory-").FullName;
    private readonly string _cgroupParent = "lamina-storytest-" + Guid.NewGuid().ToString("N")[..10];
    private ServerProcess? _server;

    public string DataDir => Path.Combine(_dir, "d");
    public string Endpoint => _server!.Endpoint;
    public string Authority => new Uri(Endpoint).Authority;
    public string BuildCache => Path.Combine(_dir, "build-cache");
    public string Dir => _dir;

    public async Task InitializeAsync()
    {
        _server = await ServerProcess.StartAsync(DataDir, new Dictionary<string, string>
        {
            ["LAMINA__Execution__Enabled"] = "true",
            ["LAMINA__Execution__AgentBinary"] = AgentBinary.Path,
            ["LAMINA__Execution__CgroupParent"] = _cgroupParent,
        });
        var publish = await LaminaAsync("runtimes", "publish", "--image", "python", "--layout", Path.Combine(_dir, "runtimes"),
            "--agent", AgentBinary.Path, "--cache-dir", SeedServer.RuntimesCache);
        Assert.True(publish.ExitCode == 0, $"lamina runtimes publish: {publish}");
    }

    /// <summary>Runs lamina with this server's --endpoint and --data-dir (its keys).</summary>
    public Task<CliRunner.Result> LaminaAsync(params string[] args) =>
        CliRunner.RunAsync([.. args, "--endpoint", Endpoint, "--data-dir", DataDir]);

    /// <summary>Starts lamina in the background (logs --follow), pointed at this server.</summary>
    public Task<RunProcess> StartAsync(params string[] args) =>
        RunProcess.StartAsync([.. args, "--endpoint", Endpoint, "--data-dir", DataDir]);

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        await Leftovers.CleanAsync(DataDir, _cgroupParent);
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
