using Lamina.Images;
using Lamina.Server;

namespace Lamina.Environments.Tests.Fixtures;

/// <summary>
/// Once per test class: Lamina's own registry (in process, auth off, port 0), the test image pushed into
/// it by skopeo from an OCI layout, and pulled back by the image store into snapshots.
/// </summary>
public sealed class PulledImageFixture : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lamina-env-test-").FullName;
    private LaminaHost? _host;
    private ImageStore? _store;

    public PulledImage Image { get; private set; } = null!;

    public string AgentBinary { get; private set; } = "";

    public string Reference { get; private set; } = "";

    public async Task InitializeAsync()
    {
        AgentBinary = Fixtures.AgentBinary.Path;
        var layout = Path.Combine(_dir, "layout");
        TestImage.WriteLayout(layout, AgentBinary, "v1");
        _host = LaminaHost.Create(new LaminaOptions { Port = 0, DataDir = Path.Combine(_dir, "registry"), AuthEnabled = false });
        await _host.StartAsync();
        var authority = _host.BaseAddress.Authority;
        Reference = $"{authority}/env/echo:v1";
        Tool.Run("/usr/bin/skopeo", "copy", "--dest-tls-verify=false", "--preserve-digests", $"oci:{layout}:v1", "docker://" + Reference);
        _store = new ImageStore(new ImageStoreOptions { DataDirectory = Path.Combine(_dir, "images"), Durable = false });
        var pulled = await _store.PullAsync(Reference);
        Assert.True(pulled.Succeeded, pulled.Error?.ToString());
        Image = pulled.Image!;
    }

    public async Task DisposeAsync()
    {
        _store?.Dispose();
        if (_host is not null) await _host.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
