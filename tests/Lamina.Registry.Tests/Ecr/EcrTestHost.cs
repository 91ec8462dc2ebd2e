using System.Security.Cryptography;
using System.Text;
using Lamina.Oci;
using Lamina.Registry.Storage;
using Lamina.Server;
using Microsoft.Extensions.DependencyInjection;

namespace Lamina.Registry.Tests.Ecr;

/// <summary>
/// A real Lamina server (auth on, port 0, temporary data directory) and the environment for real AWS clients:
/// its credentials in AWS_* variables and empty config/credentials files, so the host's own AWS setup cannot interfere.
/// </summary>
public sealed class EcrTestHost : IAsyncLifetime
{
    public const string CliV2 = "/usr/bin/aws";

    private string _dataDir = null!;
    private string _awsDir = null!;

    public LaminaHost Host { get; private set; } = null!;

    public string Endpoint => Host.BaseAddress.ToString().TrimEnd('/');

    /// <summary>host:port, what repositoryUri and proxyEndpoint name.</summary>
    public string Authority => Host.BaseAddress.Authority;

    public async Task InitializeAsync()
    {
        _dataDir = Directory.CreateTempSubdirectory("lamina-ecr-").FullName;
        _awsDir = Directory.CreateTempSubdirectory("lamina-awscfg-").FullName;
        File.WriteAllText(Path.Combine(_awsDir, "config"), "");
        File.WriteAllText(Path.Combine(_awsDir, "credentials"), "");
        Host = LaminaHost.Create(new LaminaOptions { Port = 0, DataDir = _dataDir, AuthEnabled = true });
        await Host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
        Directory.Delete(_awsDir, recursive: true);
    }

    /// <summary>Environment for an AWS client signing with the server's credentials (or <paramref name="secret"/>).</summary>
    public Dictionary<string, string> AwsEnv(string? secret = null, string? accessKey = null) => new()
    {
        ["AWS_ACCESS_KEY_ID"] = accessKey ?? Host.Credentials.AccessKeyId,
        ["AWS_SECRET_ACCESS_KEY"] = secret ?? Host.Credentials.SecretAccessKey,
        ["AWS_DEFAULT_REGION"] = Host.Credentials.Region,
        ["AWS_REGION"] = Host.Credentials.Region,
        ["AWS_CONFIG_FILE"] = Path.Combine(_awsDir, "config"),
        ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(_awsDir, "credentials"),
        ["AWS_PAGER"] = "",
        ["AWS_EC2_METADATA_DISABLED"] = "true",
        ["AWS_MAX_ATTEMPTS"] = "1",
    };

    /// <summary>Runs <c>aws ecr …</c> with CLI v2 (<paramref name="v1"/> false) or the pip CLI v1 (python3 -m awscli).</summary>
    public Task<ToolRunner.Result> EcrAsync(bool v1, string? secret, params string[] args)
    {
        var all = new List<string>();
        if (v1) all.AddRange(["-m", "awscli"]);
        all.AddRange(["--endpoint-url", Endpoint, "--output", "json", "ecr"]);
        all.AddRange(args);
        return ToolRunner.RunAsync(v1 ? "python3" : CliV2, all, AwsEnv(secret));
    }

    /// <summary>
    /// Stores a tiny image (config + one layer, unique per <paramref name="seed"/>) through the same storage path
    /// a push takes, tagged <paramref name="tag"/> if given. Returns the manifest digest.
    /// </summary>
    public async Task<Digest> SeedImageAsync(string repository, string? tag, string seed)
    {
        var content = Host.Services.GetRequiredService<ContentStore>();
        var config = await CommitAsync(content, repository, Encoding.UTF8.GetBytes($$"""{"architecture":"amd64","os":"linux","seed":"{{seed}}"}"""));
        var layer = await CommitAsync(content, repository, RandomNumberGenerator.GetBytes(64));
        var manifest = $$"""
            {"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}",
             "config":{"mediaType":"{{MediaTypes.OciConfig}}","digest":"{{config.Digest}}","size":{{config.Size}}},
             "layers":[{"mediaType":"{{MediaTypes.OciLayerGzip}}","digest":"{{layer.Digest}}","size":{{layer.Size}}}]}
            """;
        var outcome = await content.PutManifestAsync(repository, Encoding.UTF8.GetBytes(manifest), MediaTypes.OciManifest, tag);
        Assert.True(outcome.Status == ManifestPutStatus.Stored, outcome.Error);
        return outcome.Manifest!.Digest;
    }

    private async Task<(Digest Digest, long Size)> CommitAsync(ContentStore content, string repository, byte[] bytes)
    {
        var temp = Path.Combine(_dataDir, "seed-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllBytesAsync(temp, bytes);
        var digest = Digest.Compute(bytes);
        await content.CommitBlobAsync(repository, temp, digest, bytes.Length);
        return (digest, bytes.Length);
    }
}
