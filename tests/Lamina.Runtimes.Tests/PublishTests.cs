using System.Text.Json;
using Lamina.Cli.Tests;
using Lamina.Runtimes.Tests.Fixtures;
using Lamina.Server;

namespace Lamina.Runtimes.Tests;

/// <summary><c>lamina runtimes publish</c> against a real Lamina server (auth on, credentials from its data directory).</summary>
[Collection(BuiltRuntimesCollection.Name)]
public sealed class PublishTests(BuiltRuntimes built) : IAsyncLifetime
{
    private readonly string dataDir = Directory.CreateTempSubdirectory("lamina-runtimes-server-").FullName;
    private readonly string layout = Directory.CreateTempSubdirectory("lamina-runtimes-publish-").FullName;
    private LaminaHost host = null!;

    public async Task InitializeAsync()
    {
        host = LaminaHost.Create(new LaminaOptions { Port = 0, DataDir = dataDir, AuthEnabled = true });
        await host.StartAsync();
    }

    private Task<CliRunner.Result> LaminaAsync(params string[] args) =>
        CliRunner.RunAsync([.. args, "--endpoint", host.BaseAddress.ToString().TrimEnd('/'), "--data-dir", dataDir]);

    [Fact]
    public async Task PublishPushesEveryImageUnderItsTag()
    {
        var result = await LaminaAsync("runtimes", "publish", "--layout", layout, "--agent", BuiltRuntimes.Agent,
            "--cache-dir", BuiltRuntimes.CacheDirectory, "--output", "json");
        Assert.True(result.ExitCode == 0, result.ToString());
        // One JSON object per pushed image, in catalog order.
        var pushed = new List<(string, string)>();
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(result.Stdout), new JsonReaderOptions { AllowMultipleValues = true });
        while (reader.Read())
            using (var doc = JsonDocument.ParseValue(ref reader)) pushed.Add(($"{doc.RootElement.GetProperty("repository").GetString()}:{doc.RootElement.GetProperty("tag").GetString()}", doc.RootElement.GetProperty("digest").GetString()!));
        Assert.Equal(built.Images.Select(i => (i.Reference, i.ManifestDigest)), pushed);
    }

    [Fact]
    public async Task UnknownImageNameIsAUsageErrorAndWritesNothing()
    {
        var result = await LaminaAsync("runtimes", "publish", "--layout", layout, "--agent", BuiltRuntimes.Agent, "--image", "cobol");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown image 'cobol'", result.Stderr);
        Assert.Empty(Directory.GetFileSystemEntries(layout));
    }

    [Fact]
    public async Task MissingAgentIsAUsageError()
    {
        var result = await CliRunner.RunAsync(["runtimes", "build", "--output", layout, "--agent", "/nonexistent/lamina-init"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("/nonexistent/lamina-init does not exist", result.Stderr);
    }

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(dataDir, recursive: true);
        Directory.Delete(layout, recursive: true);
    }
}
