using System.Text.Json;
using Lamina.Scheduler.Tests.Fixtures;

namespace Lamina.Scheduler.Tests;

/// <summary>
/// Functions whose Code.ImageUri names another registry (Debian's docker-registry on loopback), created and
/// invoked with the real AWS CLI v2: the tag is pinned to a digest, the image pulled and unpacked, and the
/// failure modes reported with AWS's reason codes.
/// </summary>
public sealed class ForeignRegistryTests(ForeignRegistryServer server) : IClassFixture<ForeignRegistryServer>
{
    [Fact]
    public async Task A_function_from_an_anonymous_registry_runs_and_an_update_to_a_new_tag_pins_the_new_digest()
    {
        var uri = $"{server.Open.Host}/{ForeignRegistryServer.Repository}:v1";
        await CreateAsync("foreign-open", uri);
        await server.LambdaAsync(null, "wait", "function-active-v2", "--function-name", "foreign-open");
        var code = Code("foreign-open", await server.LambdaAsync(null, "get-function", "--function-name", "foreign-open"));
        Assert.Equal(uri, code.ImageUri);
        Assert.Equal($"{server.Open.Host}/{ForeignRegistryServer.Repository}@{server.LayoutDigest("v1")}", code.Resolved);

        var first = await server.InvokeAsync("foreign-open", """{"n":1}""");
        Assert.Equal(200, first.StatusCode);
        Assert.Null(first.FunctionError);
        Assert.Equal(1, first.Json.GetProperty("echo").GetProperty("n").GetInt32());
        Assert.False(first.Json.TryGetProperty("variant", out _));

        await server.LambdaAsync(null, "update-function-code", "--function-name", "foreign-open",
            "--image-uri", $"{server.Open.Host}/{ForeignRegistryServer.Repository}:v2");
        await server.LambdaAsync(null, "wait", "function-updated-v2", "--function-name", "foreign-open");
        code = Code("foreign-open", await server.LambdaAsync(null, "get-function", "--function-name", "foreign-open"));
        Assert.Equal($"{server.Open.Host}/{ForeignRegistryServer.Repository}@{server.LayoutDigest("v2")}", code.Resolved);
        Assert.NotEqual(server.LayoutDigest("v1"), server.LayoutDigest("v2"));
        Assert.Equal("v2", (await server.InvokeAsync("foreign-open", "{}")).Json.GetProperty("variant").GetString());
    }

    [Fact]
    public async Task A_registry_with_basic_auth_is_pulled_with_the_login_from_the_docker_config()
    {
        await CreateAsync("foreign-basic", $"{server.Locked.Host}/{ForeignRegistryServer.Repository}:v1");
        await server.LambdaAsync(null, "wait", "function-active-v2", "--function-name", "foreign-basic");
        var answer = await server.InvokeAsync("foreign-basic", """{"basic":true}""");
        Assert.True(answer.Json.GetProperty("echo").GetProperty("basic").GetBoolean());

        // An update to an image we may not pull fails as AWS's does: still Active on the old image.
        await server.LambdaAsync(null, "update-function-code", "--function-name", "foreign-basic",
            "--image-uri", $"localhost:{server.Locked.Port}/{ForeignRegistryServer.Repository}:v2");
        var deadline = DateTime.UtcNow.AddMinutes(3);
        JsonElement state;
        do
        {
            state = JsonDocument.Parse(await server.LambdaAsync(null, "get-function-configuration", "--function-name", "foreign-basic")).RootElement;
            if (state.GetProperty("LastUpdateStatus").GetString() != "InProgress") break;
            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Equal("Failed", state.GetProperty("LastUpdateStatus").GetString());
        Assert.Equal("ImageAccessDenied", state.GetProperty("LastUpdateStatusReasonCode").GetString());
        Assert.Equal("Active", state.GetProperty("State").GetString());
        var after = await server.InvokeAsync("foreign-basic", "{}");
        Assert.False(after.Json.TryGetProperty("variant", out _));
    }

    [Fact]
    public async Task A_registry_that_refuses_us_fails_the_function_with_ImageAccessDenied()
    {
        // Same registry, named localhost:PORT: the docker config has a login only for 127.0.0.1:PORT.
        var uri = $"localhost:{server.Locked.Port}/{ForeignRegistryServer.Repository}:v1";
        await CreateAsync("foreign-denied", uri);
        var state = await SettledAsync("foreign-denied");
        Assert.Equal("Failed", state.GetProperty("State").GetString());
        Assert.Equal("ImageAccessDenied", state.GetProperty("StateReasonCode").GetString());
        var reason = state.GetProperty("StateReason").GetString()!;
        Assert.Contains(uri, reason, StringComparison.Ordinal);
        Assert.DoesNotContain(ForeignRegistryServer.Password, reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("unknown-tag")]
    [InlineData("unreachable")]
    public async Task An_unknown_tag_or_an_unreachable_registry_fails_the_function_with_InvalidImage(string what)
    {
        var uri = what == "unknown-tag"
            ? $"{server.Open.Host}/{ForeignRegistryServer.Repository}:no-such-tag"
            : $"127.0.0.1:{ClosedPort()}/{ForeignRegistryServer.Repository}:v1";
        var name = "foreign-" + what;
        await CreateAsync(name, uri);
        var state = await SettledAsync(name);
        Assert.Equal("Failed", state.GetProperty("State").GetString());
        Assert.Equal("InvalidImage", state.GetProperty("StateReasonCode").GetString());
        // The registry's own error code reaches the reason (RegistryClient: one line per registry error answer).
        Assert.Contains(what == "unknown-tag" ? "MANIFEST_UNKNOWN" : "unreachable", state.GetProperty("StateReason").GetString()!, StringComparison.Ordinal);
        // Nothing runs: an invoke of a Failed function is refused.
        var r = await Lamina.Control.Tests.ToolRunner.RunAsync(ExecutionServer.CliV2, ["--endpoint-url", server.Endpoint, "lambda", "invoke",
            "--function-name", name, Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"))], server.AwsEnv());
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("ResourceConflictException", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_function_keeps_running_from_its_snapshot_after_the_foreign_image_is_deleted_and_the_server_restarts()
    {
        server.PushForeign(server.Open, "v1", creds: null, repository: "foreign/keep");
        var dataDir = Path.Combine(server.LayoutDir, "..", "keep-" + Guid.NewGuid().ToString("N")[..8]);
        var cgroup = "lamina-schedtest-" + Guid.NewGuid().ToString("N")[..10];
        var telemetry = new RecordingTelemetry();
        try
        {
            var host = await server.StartHostAsync(dataDir, cgroup, telemetry);
            try
            {
                await CreateAsync("foreign-keep", $"{server.Open.Host}/foreign/keep:v1", host);
                await server.LambdaAsync(host, "wait", "function-active-v2", "--function-name", "foreign-keep");
                Assert.Equal(1, (await server.InvokeAsync("foreign-keep", "{}", host: host)).Json.GetProperty("count").GetInt32());
            }
            finally
            {
                await host.DisposeAsync();
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            }

            using (var http = new HttpClient())
            {
                var manifest = $"http://{server.Open.Host}/v2/foreign/keep/manifests/{server.LayoutDigest("v1")}";
                using var deleted = await http.DeleteAsync(manifest);
                Assert.Equal(System.Net.HttpStatusCode.Accepted, deleted.StatusCode);
                using var gone = await http.GetAsync(manifest);
                Assert.Equal(System.Net.HttpStatusCode.NotFound, gone.StatusCode);
            }

            // After a restart nothing is cached in memory: the image is opened from the image store on disk.
            var restarted = await server.StartHostAsync(dataDir, cgroup, telemetry);
            try
            {
                var answer = await server.InvokeAsync("foreign-keep", """{"after":"delete"}""", host: restarted);
                Assert.Equal(200, answer.StatusCode);
                Assert.Null(answer.FunctionError);
                Assert.Equal("delete", answer.Json.GetProperty("echo").GetProperty("after").GetString());
            }
            finally
            {
                await restarted.DisposeAsync();
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            }
        }
        finally
        {
            await Leftovers.CleanAsync(dataDir, cgroup);
        }
    }

    private Task<string> CreateAsync(string name, string imageUri, Lamina.Server.LaminaHost? host = null) => FunctionCalls.CreateAsync(server, name, imageUri, host);

    private Task<JsonElement> SettledAsync(string name) => FunctionCalls.SettledAsync(server, name);

    private static (string ImageUri, string Resolved) Code(string name, string getFunction)
    {
        var code = JsonDocument.Parse(getFunction).RootElement.GetProperty("Code");
        Assert.True(code.TryGetProperty("ResolvedImageUri", out var resolved), $"{name}: no ResolvedImageUri in {code}");
        return (code.GetProperty("ImageUri").GetString()!, resolved.GetString()!);
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
