using System.Text;
using System.Text.Json;
using Lamina.Control.Invoke;
using Lamina.Control.Tests;
using Lamina.Environments.Tests.Fixtures;
using Lamina.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lamina.Scheduler.Tests.Fixtures;

/// <summary>
/// A real Lamina server with execution on (port 0, temporary data directory, auth on, its own cgroup
/// parent), the echo test image pushed by skopeo as sched/echo:v1 and, with other code, sched/echo:v2, and
/// an environment for the real AWS CLI v2 and boto3. Once per test class.
/// </summary>
public class ExecutionServer : IAsyncLifetime
{
    public const string CliV2 = "/usr/bin/aws";
    private readonly string _dir = Directory.CreateTempSubdirectory("lamina-sched-").FullName;

    /// <summary>The idle timeout the server runs with.</summary>
    protected virtual TimeSpan IdleTimeout => TimeSpan.FromMinutes(10);

    public LaminaHost Host { get; private set; } = null!;
    public Scheduler Scheduler => Host.Services.GetRequiredService<Scheduler>();
    public RecordingTelemetry Telemetry { get; } = new();
    public string CgroupParent { get; } = "lamina-schedtest-" + Guid.NewGuid().ToString("N")[..10];
    public string DataDir => Path.Combine(_dir, "data");
    public string LayoutDir => Path.Combine(_dir, "layouts");
    public string Authority => Host.BaseAddress.Authority;
    public string Endpoint => Host.BaseAddress.ToString().TrimEnd('/');

    public async Task InitializeAsync()
    {
        var agent = AgentBinary.Path;
        TestImage.WriteLayout(Path.Combine(LayoutDir, "v1"), agent, "v1");
        TestImage.WriteLayout(Path.Combine(LayoutDir, "v2"), agent, "v2", variant: "v2");
        File.WriteAllText(Path.Combine(_dir, "aws-config"), "");
        File.WriteAllText(Path.Combine(_dir, "aws-credentials"), "");
        Host = await StartHostAsync(DataDir, CgroupParent, Telemetry);
        Push(Host, "v1");
        Push(Host, "v2");
    }

    /// <summary>A derived fixture's changes to the options of every server it starts (e.g. other registries' logins).</summary>
    protected virtual void Configure(LaminaOptions options) { }

    /// <summary>
    /// Starts a server with execution on, as the fixture's; tests that dispose a server start their own.
    /// <paramref name="idleTimeout"/> replaces the fixture's <see cref="IdleTimeout"/> (a test that must find its
    /// environments still there passes a long one).
    /// </summary>
    public async Task<LaminaHost> StartHostAsync(string dataDir, string cgroupParent, IInvocationTelemetry telemetry, TimeSpan? idleTimeout = null)
    {
        var options = new LaminaOptions
        {
            Port = 0,
            DataDir = dataDir,
            AuthEnabled = true,
            Execution = new ExecutionOptions { Enabled = true, AgentBinary = AgentBinary.Path, IdleTimeout = idleTimeout ?? IdleTimeout, CgroupParent = cgroupParent },
        };
        Configure(options);
        var host = LaminaHost.Create(options, l => l.SetMinimumLevel(LogLevel.Warning), s => s.AddSingleton(telemetry));
        await host.StartAsync();
        return host;
    }

    /// <summary>skopeo copy of the v1 or v2 layout to HOST/sched/echo:TAG with the server's keys.</summary>
    public void Push(LaminaHost host, string tag) =>
        Tool.Run("/usr/bin/skopeo", "copy", "--dest-tls-verify=false", "--preserve-digests",
            "--dest-creds", $"{host.Credentials.AccessKeyId}:{host.Credentials.SecretAccessKey}",
            $"oci:{Path.Combine(LayoutDir, tag)}:{tag}", $"docker://{host.BaseAddress.Authority}/sched/echo:{tag}");

    public Dictionary<string, string> AwsEnv(LaminaHost? host = null)
    {
        host ??= Host;
        return new()
        {
            ["AWS_ACCESS_KEY_ID"] = host.Credentials.AccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = host.Credentials.SecretAccessKey,
            ["AWS_DEFAULT_REGION"] = host.Credentials.Region,
            ["AWS_REGION"] = host.Credentials.Region,
            ["AWS_CONFIG_FILE"] = Path.Combine(_dir, "aws-config"),
            ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(_dir, "aws-credentials"),
            ["AWS_PAGER"] = "",
            ["AWS_EC2_METADATA_DISABLED"] = "true",
            ["AWS_MAX_ATTEMPTS"] = "1",
            ["AWS_RETRY_MODE"] = "standard",
        };
    }

    /// <summary><c>/usr/bin/aws --endpoint-url … lambda ARGS</c>; fails the test when the CLI does.</summary>
    public async Task<string> LambdaAsync(LaminaHost? host, params string[] args)
    {
        host ??= Host;
        var r = await ToolRunner.RunAsync(CliV2, ["--endpoint-url", host.BaseAddress.ToString().TrimEnd('/'), "--output", "json", "lambda", .. args], AwsEnv(host));
        Assert.True(r.ExitCode == 0, $"aws lambda {string.Join(' ', args)}: {r}");
        return r.Stdout;
    }

    /// <summary>create-function from sched/echo:TAG with the CLI v2, then <c>wait function-active-v2</c>.</summary>
    public async Task CreateFunctionAsync(string name, string tag = "v1", int timeout = 3, LaminaHost? host = null)
    {
        host ??= Host;
        await LambdaAsync(host, "create-function", "--function-name", name, "--package-type", "Image",
            "--code", $"ImageUri={host.BaseAddress.Authority}/sched/echo:{tag}", "--role", "arn:aws:iam::123456789012:role/lambda-role",
            "--timeout", timeout.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await LambdaAsync(host, "wait", "function-active-v2", "--function-name", name);
        var state = JsonDocument.Parse(await LambdaAsync(host, "get-function-configuration", "--function-name", name)).RootElement;
        Assert.Equal("Active", state.GetProperty("State").GetString());
    }

    /// <summary><c>aws lambda invoke</c>: the CLI's JSON answer (StatusCode, FunctionError, LogResult) and the payload.</summary>
    public async Task<Invocation> InvokeAsync(string name, string payload, bool tail = false, LaminaHost? host = null)
    {
        var outFile = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".out");
        string[] args = ["invoke", "--function-name", name, "--cli-binary-format", "raw-in-base64-out", "--payload", payload, .. (tail ? new[] { "--log-type", "Tail" } : []), outFile];
        var meta = JsonDocument.Parse(await LambdaAsync(host, args)).RootElement;
        var body = File.ReadAllText(outFile);
        File.Delete(outFile);
        var log = meta.TryGetProperty("LogResult", out var l) ? Encoding.UTF8.GetString(Convert.FromBase64String(l.GetString()!)) : null;
        return new Invocation(meta.GetProperty("StatusCode").GetInt32(), meta.TryGetProperty("FunctionError", out var fe) ? fe.GetString() : null, body, log);
    }

    /// <summary>Runs a boto3 script (python3) with the server's credentials; returns its stdout.</summary>
    public async Task<string> Boto3Async(string script, params string[] args)
    {
        var file = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".py");
        await File.WriteAllTextAsync(file, script);
        var r = await ToolRunner.RunAsync("/usr/bin/python3", [file, Endpoint, .. args], AwsEnv());
        Assert.True(r.ExitCode == 0, $"boto3 script: {r}");
        return r.Stdout;
    }

    /// <summary>Pushes an image whose only layer is <paramref name="layer"/> (any bytes) over /v2/ with the server's keys.</summary>
    public async Task PushRawImageAsync(string repository, string tag, byte[] layer)
    {
        using var http = new HttpClient { BaseAddress = Host.BaseAddress };
        http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization",
            "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Host.Credentials.AccessKeyId}:{Host.Credentials.SecretAccessKey}")));
        var diffId = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(layer));
        var config = Encoding.UTF8.GetBytes("""{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["DIFF"]}}""".Replace("DIFF", diffId, StringComparison.Ordinal));
        foreach (var blob in new[] { config, layer })
        {
            using var r = await http.PostAsync($"/v2/{repository}/blobs/uploads/?digest=sha256:{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(blob))}", new ByteArrayContent(blob));
            Assert.True(r.IsSuccessStatusCode, $"blob push: {(int)r.StatusCode}");
        }
        var manifest = $$$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
             "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:{{{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(config))}}}","size":{{{config.Length}}}},
             "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{{{diffId}}}","size":{{{layer.Length}}}}]}
            """;
        var content = new StringContent(manifest);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/vnd.oci.image.manifest.v1+json");
        using var put = await http.PutAsync($"/v2/{repository}/manifests/{tag}", content);
        Assert.True(put.IsSuccessStatusCode, $"manifest push: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}");
    }

    /// <summary>Lets every runtime waiting on /tmp/release answer (the file is written through /proc/PID/root).</summary>
    public void ReleaseWaiting()
    {
        var sandboxes = Path.Combine(Leftovers.ExecutionRoot(DataDir), "sandboxes");
        foreach (var id in Directory.Exists(sandboxes) ? Directory.GetDirectories(sandboxes).Select(Path.GetFileName) : [])
        {
            if (Scheduler.Manager.Find(id!) is { Pid: > 0 } sandbox && !sandbox.Exited.IsCompleted)
            {
                try { File.WriteAllText($"/proc/{sandbox.Pid}/root/tmp/release", ""); }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (Host is not null) await Host.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await Leftovers.CleanAsync(DataDir, CgroupParent);
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>One <c>aws lambda invoke</c>.</summary>
public sealed record Invocation(int StatusCode, string? FunctionError, string Payload, string? Log)
{
    public JsonElement Json => JsonDocument.Parse(Payload).RootElement;
}

/// <summary>The fixture with a 2 s idle timeout, for reaping.</summary>
public sealed class ShortIdleServer : ExecutionServer
{
    protected override TimeSpan IdleTimeout => TimeSpan.FromSeconds(2);
}
