using System.Text;
using System.Text.Json;
using Lamina.Environments.Tests.Fixtures;
using Lamina.Images.Tests;
using Lamina.Server;

namespace Lamina.Scheduler.Tests.Fixtures;

/// <summary>
/// The execution server plus two of Debian's real docker-registry instances on free loopback ports, each holding
/// the echo test image as foreign/echo:v1 and :v2 (pushed by skopeo): <see cref="Open"/> (anonymous) and
/// <see cref="Locked"/> (htpasswd, so Basic). The server's login for <see cref="Locked"/> comes from a docker
/// config.json (<c>Registries:DockerConfig</c>), keyed by "127.0.0.1:PORT" only: the same registry named
/// "localhost:PORT" has no login, which is how the tests get a refusal. Once per test class.
/// </summary>
public sealed class ForeignRegistryServer : ExecutionServer, IAsyncLifetime
{
    public const string User = "lamina";
    public const string Password = "foreign-pw";
    public const string Repository = "foreign/echo";

    // bcrypt of Password (cost 5, fixed salt), made once with: perl -e 'print crypt("foreign-pw", "$2a$05$LaminaTestSaltLaminaT.")'
    private const string PasswordHash = "$2a$05$LaminaTestSaltLaminaT.d48ia6SkIAr3OOXq5m/BId0958z0Eay";

    private readonly string _files = Directory.CreateTempSubdirectory("lamina-foreign-").FullName;

    public ForeignRegistryServer()
    {
        File.WriteAllText(Path.Combine(_files, "htpasswd"), $"{User}:{PasswordHash}\n");
        Open = new DistributionRegistry();
        Locked = new DistributionRegistry($"""
              htpasswd:
                realm: lamina-test
                path: {Path.Combine(_files, "htpasswd")}
            """);
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}"));
        File.WriteAllText(DockerConfigPath, "{\"auths\":{\"" + Locked.Host + "\":{\"auth\":\"" + auth + "\"}}}");
    }

    public DistributionRegistry Open { get; }

    public DistributionRegistry Locked { get; }

    public string DockerConfigPath => Path.Combine(_files, "docker-config.json");

    protected override void Configure(LaminaOptions options) => options.Registries.DockerConfig = DockerConfigPath;

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        foreach (var tag in new[] { "v1", "v2" })
        {
            PushForeign(Open, tag, creds: null);
            PushForeign(Locked, tag, $"{User}:{Password}");
        }
    }

    /// <summary>skopeo copy of the v1 or v2 layout to REGISTRY/foreign/echo:TAG (or another repository).</summary>
    public void PushForeign(DistributionRegistry registry, string tag, string? creds, string repository = Repository) =>
        Tool.Run("/usr/bin/skopeo", ["copy", "--dest-tls-verify=false", "--preserve-digests",
            .. creds is null ? Array.Empty<string>() : ["--dest-creds", creds],
            $"oci:{Path.Combine(LayoutDir, tag)}:{tag}", $"docker://{registry.Host}/{repository}:{tag}"]);

    /// <summary>The manifest digest of the v1 or v2 layout (what a registry stores it under with --preserve-digests).</summary>
    public string LayoutDigest(string tag)
    {
        using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(LayoutDir, tag, "index.json")));
        return index.RootElement.GetProperty("manifests")[0].GetProperty("digest").GetString()!;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        Open.Dispose();
        Locked.Dispose();
        try { Directory.Delete(_files, recursive: true); } catch (IOException) { }
    }
}
