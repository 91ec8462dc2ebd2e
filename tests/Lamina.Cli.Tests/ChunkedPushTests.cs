using System.Text.Json;

namespace Lamina.Cli.Tests;

/// <summary>A layer larger than the chunk size goes up in PATCH chunks and arrives intact.</summary>
public sealed class ChunkedPushTests(CliServerFixture server) : IClassFixture<CliServerFixture>
{
    [Fact]
    public async Task LargeLayerIsPushedInChunksAndInspectable()
    {
        var dir = Directory.CreateTempSubdirectory("lamina-cli-oci-").FullName;
        try
        {
            var layout = OciLayoutBuilder.Create(dir, "big", "chunked", layerKiB: 2600);
            var push = await server.LaminaAsync("push", dir, "big:v1", "--chunk-size-mb", "1", "-o", "json");
            Assert.True(push.ExitCode == 0, push.ToString());

            var inspect = await server.LaminaAsync("images", "inspect", "big:v1", "-o", "json");
            Assert.True(inspect.ExitCode == 0, inspect.ToString());
            using var doc = JsonDocument.Parse(inspect.Stdout);
            var layer = Assert.Single(doc.RootElement.GetProperty("manifest").GetProperty("layers").EnumerateArray());
            Assert.Equal(layout.LayerBytes, layer.GetProperty("size").GetInt64());

            // The registry verified the digest on the final PUT; HEAD now finds the blob.
            var again = await server.LaminaAsync("push", dir, "big:v2", "-o", "json");
            using var second = JsonDocument.Parse(again.Stdout);
            Assert.Equal(2, second.RootElement.GetProperty("blobsSkipped").GetInt32());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
