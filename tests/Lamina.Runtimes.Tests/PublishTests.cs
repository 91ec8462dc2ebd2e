using System.Text.Json;
using Lamina.Cli.Tests;
using Lamina.Runtimes.Tests.Fixtures;

namespace Lamina.Runtimes.Tests;

/// <summary><c>lamina runtimes publish</c> against a real Lamina server (auth on, credentials from its data directory).</summary>
[Collection(BuiltRuntimesCollection.Name)]
public sealed class PublishTests(BuiltRuntimes built) : IAsyncLifetime
{
    private readonly string layout = Directory.CreateTempSubdirectory("lamina-runtimes-publish-").FullName;
    private LaminaServer server = null!;

    public async Task InitializeAsync() => server = await LaminaServer.StartAsync();

    [Fact]
    public async Task PublishPushesEveryImageUnderItsTag()
    {
        var result = await server.PublishAsync(layout);
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
        var result = await server.PublishAsync(layout, "--image", "cobol");
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
        await server.DisposeAsync();
        Directory.Delete(layout, recursive: true);
    }
}
