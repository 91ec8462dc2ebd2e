using Lamina.EndToEnd.Tests.Registries;

namespace Lamina.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A private Docker engine: Debian's dockerd with its own data root, exec root, pid file, config and
/// Unix socket under a temp directory, no bridge and no iptables changes (it never touches the host
/// network). Loopback registries are trusted over plain HTTP by default. When dockerd cannot start
/// here, <see cref="UnavailableReason"/> says why and the tests skip.
/// </summary>
public sealed class DockerDaemon : IAsyncLifetime
{
    private readonly TempDirectory _root = new("lamina-e2e-dockerd-");
    private ServerProcess? _process;

    /// <summary>null when the engine runs; otherwise why it could not start.</summary>
    public string? UnavailableReason { get; private set; }

    public string Socket => _root.Combine("docker.sock");

    /// <summary>The docker CLI from the same package as the daemon, when present.</summary>
    public static string Client => ToolPaths.Find("/usr/bin/docker") ?? "docker";

    public async Task InitializeAsync()
    {
        var dockerd = ToolPaths.Find("dockerd");
        if (dockerd is null)
        {
            UnavailableReason = "dockerd is not installed (Debian package docker.io; ./test.sh installs it)";
            return;
        }
        await File.WriteAllTextAsync(_root.Combine("daemon.json"), "{}");
        _process = ServerProcess.Start(dockerd,
        [
            "--config-file", _root.Combine("daemon.json"),
            "--data-root", _root.Combine("data"),
            "--exec-root", _root.Combine("exec"),
            "--pidfile", _root.Combine("docker.pid"),
            "-H", "unix://" + Socket,
            "--bridge=none", "--iptables=false", "--ip6tables=false", "--ip-forward=false", "--ip-masq=false",
            "--userland-proxy=false", "--log-level=warn",
        ]);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                UnavailableReason = "dockerd exited at start:\n" + _process.Log;
                return;
            }
            if (File.Exists(Socket) && (await RunAsync(["version", "--format", "{{.Server.Version}}"])).ExitCode == 0) return;
            await Task.Delay(250);
        }
        UnavailableReason = "dockerd did not answer within 90 s:\n" + _process.Log;
        await StopAsync();
    }

    /// <summary>Runs the docker CLI against this engine with a private DOCKER_CONFIG.</summary>
    public Task<ToolResult> RunAsync(IEnumerable<string> arguments, string? dockerConfig = null, string? standardInput = null) =>
        ToolRunner.RunAsync(Client, arguments, new Dictionary<string, string?>
        {
            ["DOCKER_HOST"] = "unix://" + Socket,
            ["DOCKER_CONFIG"] = dockerConfig ?? _root.Combine("client-config"),
            ["DOCKER_CONTEXT"] = null,
        }, standardInput);

    public async Task DisposeAsync()
    {
        await StopAsync();
        _root.Dispose();
    }

    private async Task StopAsync()
    {
        if (_process is null || _process.HasExited)
        {
            _process?.Dispose();
            return;
        }
        // SIGTERM first: dockerd then stops its own containerd and unmounts its layers.
        await ToolRunner.RunAsync("/bin/kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            // Falls through to SIGKILL of the whole tree.
        }
        _process.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class DockerCollection : ICollectionFixture<DockerDaemon>
{
    public const string Name = "docker engine";
}
