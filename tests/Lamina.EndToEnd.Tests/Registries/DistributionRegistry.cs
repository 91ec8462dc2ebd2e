using System.Net;
using Lamina.EndToEnd.Tests.Infrastructure;

namespace Lamina.EndToEnd.Tests.Registries;

/// <summary>
/// Debian's docker-registry (CNCF distribution 2.8) with a generated config on a free loopback port
/// and its own storage directory — never the system service. Open (no auth): it is the reference the
/// same client tests are checked against.
/// </summary>
public sealed class DistributionRegistry : IRegistryUnderTest
{
    private readonly ServerProcess _process;

    private DistributionRegistry(ServerProcess process, int port, string storage)
    {
        _process = process;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        StorageDirectory = storage;
    }

    public string Name => "distribution";
    public string Host => BaseAddress.Authority;
    public Uri BaseAddress { get; }
    public RegistryCredentials? Credentials => null;
    public string StorageDirectory { get; }
    public string ServerLog => _process.Log;
    public int ProcessId => _process.Id;

    /// <summary>Starts it in <paramref name="directory"/> (config.yml and store/ go there).</summary>
    public static async Task<DistributionRegistry> StartAsync(string directory)
    {
        var binary = ToolPaths.Require("docker-registry");
        Exception? last = null;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            // distribution cannot pick its own port: take a free one, and retry if another process won the race.
            var port = FreePort.Next();
            var storage = Path.Combine(directory, "store");
            var config = Path.Combine(directory, "config.yml");
            await File.WriteAllTextAsync(config, $"""
                version: 0.1
                log:
                  level: warn
                  accesslog:
                    disabled: true
                storage:
                  filesystem:
                    rootdirectory: {storage}
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:{port}
                  secret: lamina-e2e-tests
                """);
            var process = ServerProcess.Start(binary, ["serve", config]);
            var registry = new DistributionRegistry(process, port, storage);
            try
            {
                await WaitUntilReadyAsync(registry, process);
                return registry;
            }
            catch (InvalidOperationException e)
            {
                last = e;
                process.Dispose();
            }
        }
        throw new InvalidOperationException("docker-registry did not start", last);
    }

    private static async Task WaitUntilReadyAsync(DistributionRegistry registry, ServerProcess process)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException("docker-registry exited:\n" + process.Log);
            try
            {
                // Another test's server may have taken the port between FreePort and the bind: the
                // answer counts only if this process is the one listening.
                using var response = await http.GetAsync(new Uri(registry.BaseAddress, "/v2/"));
                if (response.StatusCode == HttpStatusCode.OK && PortOwner.IsListening(process.Id, registry.BaseAddress.Port)) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(100);
        }
        throw new InvalidOperationException("docker-registry did not answer /v2/ on its own port within 30 s:\n" + process.Log);
    }

    public void KillHard() => _process.KillHard();

    public ValueTask DisposeAsync()
    {
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
