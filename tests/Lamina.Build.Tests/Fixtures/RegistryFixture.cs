using Lamina.Images.Registry;
using Lamina.Server;

namespace Lamina.Build.Tests.Fixtures;

/// <summary>
/// Once per test class: Lamina's own registry (in process, port 0, authentication on, so FROM goes through the
/// Bearer token flow) with the busybox base image pushed by skopeo as REGISTRY/base/busybox:v1.
/// </summary>
public sealed class RegistryFixture : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lamina-build-test-").FullName;
    private LaminaHost? _host;

    /// <summary>host:port of the registry.</summary>
    public string Registry { get; private set; } = "";

    /// <summary>The base image reference for FROM lines.</summary>
    public string BaseImage => $"{Registry}/base/busybox:v1";

    /// <summary>The registry's access key pair, as the builder's pull credentials.</summary>
    public RegistryCredentials Credentials { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var layout = Path.Combine(_dir, "base-layout");
        Fixtures.BaseImage.WriteLayout(layout, "v1");
        _host = LaminaHost.Create(new LaminaOptions { Port = 0, DataDir = Path.Combine(_dir, "registry"), AuthEnabled = true });
        await _host.StartAsync();
        Registry = _host.BaseAddress.Authority;
        Credentials = new RegistryCredentials(_host.Credentials.AccessKeyId, _host.Credentials.SecretAccessKey);
        Tool.Run("/usr/bin/skopeo", "copy", "--dest-tls-verify=false", "--dest-creds", $"{Credentials.Username}:{Credentials.Password}",
            $"oci:{layout}:v1", $"docker://{BaseImage}");
    }

    /// <summary>A fresh directory under the fixture's temp root.</summary>
    public string NewDirectory(string name) => Directory.CreateDirectory(Path.Combine(_dir, name + "-" + Guid.NewGuid().ToString("n")[..8])).FullName;

    /// <summary>Builder options with a cache directory of the caller's and this registry's credentials.</summary>
    public BuildOptions Options(string cacheDirectory) => new()
    {
        CacheDirectory = cacheDirectory,
        Registry = new RegistryClientOptions { Credentials = host => host == Registry ? Credentials : null },
    };

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
