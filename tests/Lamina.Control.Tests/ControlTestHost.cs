using System.Net.Http.Headers;
using System.Text;
using Lamina.Control.Invoke;
using Lamina.Oci;
using Lamina.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Lamina.Control.Tests;

/// <summary>
/// A real Lamina server (auth on, port 0, temporary data directory) with the <see cref="EchoTestInvoker"/> test
/// double, and an environment for real AWS clients isolated from the host's AWS configuration.
/// </summary>
public sealed class ControlTestHost : IAsyncDisposable
{
    public const string CliV2 = "/usr/bin/aws";

    private readonly string _awsDir;

    private ControlTestHost(string dataDir, string awsDir, LaminaHost host)
    {
        DataDir = dataDir;
        _awsDir = awsDir;
        Host = host;
    }

    public string DataDir { get; }
    public LaminaHost Host { get; private set; }
    public EchoTestInvoker Invoker { get; private set; } = new();
    public string Endpoint => Host.BaseAddress.ToString().TrimEnd('/');
    public string Authority => Host.BaseAddress.Authority;

    /// <summary>
    /// Starts a server; without <paramref name="testInvoker"/> it runs the production default invoker.
    /// <paramref name="configure"/> registers services before the modules do (options, another invoker).
    /// </summary>
    public static async Task<ControlTestHost> StartAsync(string? dataDir = null, bool testInvoker = true, Action<IServiceCollection>? configure = null)
    {
        dataDir ??= Directory.CreateTempSubdirectory("lamina-control-").FullName;
        var awsDir = Directory.CreateTempSubdirectory("lamina-awscfg-").FullName;
        File.WriteAllText(Path.Combine(awsDir, "config"), "");
        File.WriteAllText(Path.Combine(awsDir, "credentials"), "");
        var invoker = new EchoTestInvoker();
        var host = LaminaHost.Create(new LaminaOptions { Port = 0, DataDir = dataDir, AuthEnabled = true }, null,
            s =>
            {
                configure?.Invoke(s);
                if (testInvoker) s.TryAddSingleton<IFunctionInvoker>(invoker);
            });
        await host.StartAsync();
        return new ControlTestHost(dataDir, awsDir, host) { Invoker = invoker };
    }

    /// <summary>Stops the server and starts a new one on the same data directory (<paramref name="configure"/> as in <see cref="StartAsync"/>).</summary>
    public async Task RestartAsync(Action<IServiceCollection>? configure = null)
    {
        await StopAsync();
        Invoker = new EchoTestInvoker();
        var invoker = Invoker;
        Host = LaminaHost.Create(new LaminaOptions { Port = 0, DataDir = DataDir, AuthEnabled = true }, null,
            s =>
            {
                configure?.Invoke(s);
                s.TryAddSingleton<IFunctionInvoker>(invoker);
            });
        await Host.StartAsync();
    }

    /// <summary>Stops the in-process server, keeping the data directory (another process may use it until <see cref="RestartAsync"/>).</summary>
    public async Task StopAsync()
    {
        await Host.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(DataDir, recursive: true);
        Directory.Delete(_awsDir, recursive: true);
    }

    public Dictionary<string, string> AwsEnv(string? secret = null) => new()
    {
        ["AWS_ACCESS_KEY_ID"] = Host.Credentials.AccessKeyId,
        ["AWS_SECRET_ACCESS_KEY"] = secret ?? Host.Credentials.SecretAccessKey,
        ["AWS_DEFAULT_REGION"] = Host.Credentials.Region,
        ["AWS_REGION"] = Host.Credentials.Region,
        ["AWS_CONFIG_FILE"] = Path.Combine(_awsDir, "config"),
        ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(_awsDir, "credentials"),
        ["AWS_PAGER"] = "",
        ["AWS_EC2_METADATA_DISABLED"] = "true",
        ["AWS_MAX_ATTEMPTS"] = "1",
    };

    /// <summary>Runs <c>aws lambda …</c> with CLI v2 or (<paramref name="v1"/>) the pip CLI v1 on PATH.</summary>
    public Task<ToolRunner.Result> LambdaAsync(bool v1, params string[] args) => LambdaWithSecretAsync(v1, null, args);

    public Task<ToolRunner.Result> LambdaWithSecretAsync(bool v1, string? secret, params string[] args)
    {
        var all = new List<string> { "--endpoint-url", Endpoint, "--output", "json", "lambda" };
        all.AddRange(args);
        return ToolRunner.RunAsync(v1 ? "aws" : CliV2, all, AwsEnv(secret));
    }

    /// <summary>Pushes a tiny image over the registry's /v2/ API (Basic auth with the server's keys); returns its digest.</summary>
    public async Task<string> PushImageAsync(string repo, string tag, string seed)
    {
        using var http = new HttpClient { BaseAddress = Host.BaseAddress };
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Host.Credentials.AccessKeyId}:{Host.Credentials.SecretAccessKey}"));
        var config = await PushBlobAsync(http, basic, repo, Encoding.UTF8.GetBytes($$"""{"architecture":"amd64","os":"linux","seed":"{{seed}}"}"""));
        var layer = await PushBlobAsync(http, basic, repo, Encoding.UTF8.GetBytes("layer " + seed));
        var manifest = Encoding.UTF8.GetBytes($$"""
            {"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}",
             "config":{"mediaType":"{{MediaTypes.OciConfig}}","digest":"{{config.Digest}}","size":{{config.Size}}},
             "layers":[{"mediaType":"{{MediaTypes.OciLayerGzip}}","digest":"{{layer.Digest}}","size":{{layer.Size}}}]}
            """);
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/v2/{repo}/manifests/{tag}") { Content = new ByteArrayContent(manifest) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(MediaTypes.OciManifest);
        request.Headers.TryAddWithoutValidation("Authorization", basic);
        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"manifest push: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return Digest.Compute(manifest).ToString();
    }

    private static async Task<(Digest Digest, long Size)> PushBlobAsync(HttpClient http, string auth, string repo, byte[] bytes)
    {
        var digest = Digest.Compute(bytes);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v2/{repo}/blobs/uploads/?digest={digest}") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Headers.TryAddWithoutValidation("Authorization", auth);
        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"blob push: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (digest, bytes.Length);
    }
}
