using System.Net;
using System.Text;
using Lamina.EndToEnd.Tests.Infrastructure;
using Lamina.Runtimes.Tests.Fixtures;

namespace Lamina.Runtimes.Tests;

/// <summary>
/// The AWS tutorial with Lamina's image: publish lamina/python:3.11 to a Lamina registry, <c>docker build</c> a
/// Dockerfile FROM it with a private dockerd (host network only), <c>docker run</c> it and invoke it.
/// </summary>
[Collection(BuiltRuntimesCollection.Name)]
public sealed class DockerBuildTests(BuiltRuntimes built) : IAsyncLifetime
{
    private readonly DockerDaemon docker = new();
    private LaminaServer server = null!;

    public async Task InitializeAsync()
    {
        server = await LaminaServer.StartAsync();
        await docker.InitializeAsync();
    }

    [Fact]
    public async Task DockerfileFromThePublishedPythonImageBuildsAndAnswers()
    {
        Assert.True(docker.UnavailableReason is null, docker.UnavailableReason);
        var dataDir = server.DataDir;
        var host = server.Host;
        var publish = await server.PublishAsync(Path.Combine(dataDir, "layout"), "--image", "python");
        Assert.True(publish.ExitCode == 0, publish.ToString());
        Assert.Contains(built["python"].ManifestDigest, publish.Stdout);

        var registry = host.BaseAddress.Authority;
        var config = Path.Combine(dataDir, "docker-config");
        Directory.CreateDirectory(config);
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{host.Credentials.AccessKeyId}:{host.Credentials.SecretAccessKey}"));
        var auths = new System.Text.Json.Nodes.JsonObject { [registry] = new System.Text.Json.Nodes.JsonObject { ["auth"] = basic } };
        File.WriteAllText(Path.Combine(config, "config.json"), new System.Text.Json.Nodes.JsonObject { ["auths"] = auths }.ToJsonString());
        var context = Path.Combine(dataDir, "context");
        Directory.CreateDirectory(context);
        File.WriteAllText(Path.Combine(context, "app.py"), "def handler(event, context):\n    return {'from': 'docker', 'event': event}\n");
        File.WriteAllText(Path.Combine(context, "Dockerfile"), $"FROM {registry}/lamina/python:3.11\nCOPY app.py ${{LAMBDA_TASK_ROOT}}\nCMD [\"app.handler\"]\n");
        (await docker.RunAsync(["build", "--network", "host", "-t", "lamina-test/fn:1", context], config)).EnsureSuccess();

        var port = FreeLoopbackPort();
        var run = (await docker.RunAsync(["run", "-d", "--network", "host", "-e", $"LAMINA_RIE_ADDRESS=127.0.0.1:{port}",
            "-e", $"LAMINA_RUNTIME_API_ADDRESS=127.0.0.1:{FreeLoopbackPort()}", "lamina-test/fn:1"], config)).EnsureSuccess();
        var container = run.StandardOutput.Trim();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(1) };
            var deadline = DateTime.UtcNow.AddMinutes(1);
            while (true)
            {
                try
                {
                    using var response = await http.PostAsync($"http://127.0.0.1:{port}/2015-03-31/functions/function/invocations", new StringContent("""{"n":2}"""));
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                    Assert.Equal("""{"from": "docker", "event": {"n": 2}}""", await response.Content.ReadAsStringAsync());
                    break;
                }
                catch (HttpRequestException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(200);
                }
            }
        }
        finally
        {
            await docker.RunAsync(["rm", "-f", container], config);
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task DisposeAsync()
    {
        await docker.DisposeAsync();
        await server.DisposeAsync();
    }
}
