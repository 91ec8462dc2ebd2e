using Lamina.Environments.Tests.Fixtures;
using Lamina.Server;

namespace Lamina.Cli.Tests;

/// <summary>
/// Once per run test class: the environments' test image (linked from tests/Lamina.Environments.Tests/Fixtures)
/// written as an OCI layout, a real Lamina server (auth on) holding it at run/echo:v1 (pushed by skopeo with
/// the server's keys), the NativeAOT agent, and an image cache directory shared by the class's runs.
/// </summary>
public sealed class RunFixture : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lamina-cli-run-").FullName;

    public LaminaHost Host { get; private set; } = null!;
    public string AgentBinary { get; private set; } = "";
    public string Layout => Path.Combine(_dir, "layout");
    public string CacheDir => Path.Combine(_dir, "cache");
    public string DataDir => Path.Combine(_dir, "data");

    /// <summary>The pushed image's reference in the server's registry.</summary>
    public string Reference => $"{Host.BaseAddress.Authority}/run/echo:v1";

    public async Task InitializeAsync()
    {
        AgentBinary = Lamina.Environments.Tests.Fixtures.AgentBinary.Path;
        TestImage.WriteLayout(Layout, AgentBinary, "v1");
        Host = LaminaHost.Create(new LaminaOptions { Port = 0, DataDir = DataDir, AuthEnabled = true });
        await Host.StartAsync();
        var c = Host.Credentials;
        Tool.Run("/usr/bin/skopeo", "copy", "--dest-tls-verify=false", "--dest-creds", $"{c.AccessKeyId}:{c.SecretAccessKey}",
            $"oci:{Layout}:v1", "docker://" + Reference);
    }

    /// <summary>Starts <c>lamina run</c> with this fixture's agent, cache and server credentials, plus <paramref name="args"/>.</summary>
    public Task<RunProcess> StartAsync(params string[] args) =>
        RunProcess.StartAsync(["run", "--agent", AgentBinary, "--cache-dir", CacheDir, "--data-dir", DataDir, .. args]);

    /// <summary>As <see cref="StartAsync"/>, in a process group of its own (a terminal's foreground job).</summary>
    public Task<RunProcess> StartInOwnGroupAsync(params string[] args) =>
        RunProcess.StartAsync(["run", "--agent", AgentBinary, "--cache-dir", CacheDir, "--data-dir", DataDir, .. args], ownProcessGroup: true);

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
