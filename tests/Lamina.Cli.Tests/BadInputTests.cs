using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Lamina.Cli.Tests;

/// <summary>Wrong flags, missing files, a server that is down and wrong keys each get their exit code and a hint.</summary>
public sealed class BadInputTests(CliServerFixture server) : IClassFixture<CliServerFixture>
{
    [Fact]
    public async Task UnknownFlagIsUsageError()
    {
        var r = await server.LaminaAsync("functions", "ls", "--bogus-flag");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--bogus-flag", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("--help", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownOutputFormatIsUsageError()
    {
        var r = await server.LaminaAsync("images", "ls", "--output", "yaml");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("yaml", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingPayloadFileIsUsageErrorNamingTheFile()
    {
        var missing = Path.Combine(Path.GetTempPath(), "lamina-no-such-payload-" + Guid.NewGuid() + ".json");
        var r = await server.LaminaAsync("invoke", "anything", "--payload-file", missing);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(missing, r.Stderr, StringComparison.Ordinal);
        Assert.Contains("does not exist", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidJsonPayloadIsUsageError()
    {
        var r = await server.LaminaAsync("invoke", "anything", "--payload", "{not json");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("not valid JSON", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PayloadFromStdinIsReadAndChecked()
    {
        var r = await CliRunner.RunAsync(["invoke", "anything", "--endpoint", server.Endpoint, "--data-dir", server.DataDir], stdin: "this is not json");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("not valid JSON", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokingAMissingFunctionIsRemoteErrorNamingIt()
    {
        var r = await server.LaminaAsync("invoke", "no-such-function", "--payload", "{}");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("ResourceNotFoundException", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("no-such-function", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_OTLP_endpoint_or_protocol_stops_the_server_before_it_listens()
    {
        var data = Directory.CreateTempSubdirectory("lamina-cli-otlp-").FullName;
        try
        {
            var r = await CliRunner.RunAsync(["server", "--port", "0", "--data-dir", data, "--no-auth"],
                new Dictionary<string, string?> { ["LAMINA__Telemetry__OtlpEndpoint"] = "collector:4318", ["LAMINA__Telemetry__OtlpProtocol"] = "thrift" });
            Assert.True(r.ExitCode == 2, r.ToString());
            Assert.Contains("Telemetry:OtlpEndpoint 'collector:4318' must be an absolute http:// or https:// URL", r.Stderr, StringComparison.Ordinal);
            Assert.Contains("Telemetry:OtlpProtocol 'thrift'", r.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task An_event_invoke_with_log_is_a_usage_error()
    {
        var r = await server.LaminaAsync("invoke", "anything", "--event", "--log");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--log needs a synchronous invoke", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerDownIsExit3WithHint()
    {
        var port = FreePort();
        var r = await CliRunner.RunAsync(["functions", "ls", "--endpoint", $"http://127.0.0.1:{port}", "--access-key", "A", "--secret-key", "B"]);
        Assert.Equal(3, r.ExitCode);
        Assert.Contains($"cannot reach Lamina at http://127.0.0.1:{port}", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("lamina server", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("--endpoint", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerDownWithJsonOutputIsMachineReadable()
    {
        var r = await CliRunner.RunAsync(["images", "ls", "-o", "json", "--endpoint", $"http://127.0.0.1:{FreePort()}", "--access-key", "A", "--secret-key", "B"]);
        Assert.Equal(3, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal(3, doc.RootElement.GetProperty("error").GetProperty("exitCode").GetInt32());
    }

    [Fact]
    public async Task WrongSecretIsExit4WithHint()
    {
        var r = await CliRunner.RunAsync(["functions", "ls", "--endpoint", server.Endpoint,
            "--access-key", server.Host.Credentials.AccessKeyId, "--secret-key", "wrong-secret"]);
        Assert.Equal(4, r.ExitCode);
        Assert.Contains("refused the credentials", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("lamina credentials", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongKeysFromEnvironmentFailPushWithExit4()
    {
        var dir = Directory.CreateTempSubdirectory("lamina-cli-oci-").FullName;
        try
        {
            OciLayoutBuilder.Create(dir, "v1", "badkeys");
            var r = await CliRunner.RunAsync(["push", dir, "nope:v1", "--endpoint", server.Endpoint],
                new Dictionary<string, string?> { ["AWS_ACCESS_KEY_ID"] = "LAMINAWRONG", ["AWS_SECRET_ACCESS_KEY"] = "wrong" });
            Assert.Equal(4, r.ExitCode);
            var ls = await server.LaminaAsync("images", "ls", "-o", "json");
            Assert.DoesNotContain("nope", ls.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task NoCredentialsAnywhereSaysWhereToGetThem()
    {
        var empty = Directory.CreateTempSubdirectory("lamina-cli-empty-").FullName;
        try
        {
            var r = await CliRunner.RunAsync(["functions", "ls", "--endpoint", server.Endpoint, "--data-dir", empty]);
            Assert.Equal(4, r.ExitCode);
            Assert.Contains("credentials.json", r.Stderr, StringComparison.Ordinal);
            Assert.Contains("--access-key", r.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Fact]
    public async Task PushOfNonLayoutIsUsageError()
    {
        var dir = Directory.CreateTempSubdirectory("lamina-cli-notoci-").FullName;
        try
        {
            var r = await server.LaminaAsync("push", dir, "x:v1");
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("index.json", r.Stderr, StringComparison.Ordinal);
            var missingTag = OciLayoutBuilder.Create(dir, "v1", "tagcheck");
            var t = await server.LaminaAsync("push", missingTag.Dir + ":v9", "x:v1");
            Assert.Equal(2, t.ExitCode);
            Assert.Contains("no image tagged 'v9'", t.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task CredentialsPrintsExportsThatWork()
    {
        var r = await CliRunner.RunAsync(["credentials", "--data-dir", server.DataDir]);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains($"export AWS_ACCESS_KEY_ID={server.Host.Credentials.AccessKeyId}", r.Stdout, StringComparison.Ordinal);
        Assert.Contains(server.Host.Credentials.SecretAccessKey, r.Stdout, StringComparison.Ordinal);

        var env = new Dictionary<string, string?>
        {
            ["AWS_ACCESS_KEY_ID"] = server.Host.Credentials.AccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = server.Host.Credentials.SecretAccessKey,
            ["LAMINA_ENDPOINT"] = server.Endpoint,
        };
        var ls = await CliRunner.RunAsync(["functions", "ls", "-o", "json"], env);
        Assert.True(ls.ExitCode == 0, ls.ToString());
        using var doc = JsonDocument.Parse(ls.Stdout);
        Assert.Equal(JsonValueKind.Array, doc.RootElement.GetProperty("functions").ValueKind);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
