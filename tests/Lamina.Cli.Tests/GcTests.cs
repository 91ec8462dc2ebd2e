using System.Text.Json;

namespace Lamina.Cli.Tests;

/// <summary><c>lamina gc</c> against a real server: what nothing refers to goes, what an image uses stays.</summary>
public sealed class GcTests(CliServerFixture server) : IClassFixture<CliServerFixture>
{
    [Fact]
    public async Task Gc_deletes_the_blobs_of_a_removed_repository_and_keeps_the_others()
    {
        var kept = Directory.CreateTempSubdirectory("lamina-gc-kept-").FullName;
        var gone = Directory.CreateTempSubdirectory("lamina-gc-gone-").FullName;
        try
        {
            OciLayoutBuilder.Create(kept, "v1", "kept", layerKiB: 8, layers: 1);
            OciLayoutBuilder.Create(gone, "v1", "gone", layerKiB: 64, layers: 2);
            Assert.Equal(0, (await server.LaminaAsync("push", kept, "gc/kept:v1")).ExitCode);
            Assert.Equal(0, (await server.LaminaAsync("push", gone, "gc/gone:v1")).ExitCode);
            Assert.Equal(0, (await server.LaminaAsync("push", gone, "gc/untagged:v1")).ExitCode);
            await server.AwsAsync("ecr", "delete-repository", "--repository-name", "gc/gone", "--force");
            // Deleting an image (not its repository) leaves the repository's links to its blobs for GC to drop.
            await server.AwsAsync("ecr", "batch-delete-image", "--repository-name", "gc/untagged", "--image-ids", "imageTag=v1");

            var gc = await server.LaminaAsync("gc", "--grace-period", "0", "-o", "json");
            Assert.True(gc.ExitCode == 0, gc.ToString());
            using var doc = JsonDocument.Parse(gc.Stdout);
            Assert.True(doc.RootElement.GetProperty("blobsDeleted").GetInt32() >= 2, gc.Stdout);
            Assert.True(doc.RootElement.GetProperty("bytesFreed").GetInt64() >= 2 * 64 * 1024, gc.Stdout);
            Assert.Equal(0, doc.RootElement.GetProperty("gracePeriodSeconds").GetInt64());
            Assert.True(doc.RootElement.GetProperty("linksRemoved").GetInt32() >= 3, gc.Stdout); // gc/untagged's config and 2 layers
            Assert.True(doc.RootElement.GetProperty("referrersDeleted").GetInt32() >= 0, gc.Stdout); // present (other tests share this server)

            // The image that is still tagged is whole: it pushes again with every blob already there.
            var again = await server.LaminaAsync("push", kept, "gc/kept:v2");
            Assert.Contains("0 blobs uploaded", again.Stdout, StringComparison.Ordinal);
            var text = await server.LaminaAsync("gc");
            Assert.Matches(@"Deleted \d+ blobs, freed .*; dropped \d+ repository links and \d+ referrers of deleted images \(grace period 3600 s\)\.", text.Stdout);
        }
        finally
        {
            Directory.Delete(kept, recursive: true);
            Directory.Delete(gone, recursive: true);
        }
    }

    [Fact]
    public async Task Gc_with_wrong_keys_is_refused_exit_4_and_a_negative_grace_is_a_usage_error()
    {
        var refused = await CliRunner.RunAsync(["gc", "--endpoint", server.Endpoint, "--access-key", "LAMINAWRONG", "--secret-key", "nope"]);
        Assert.Equal(4, refused.ExitCode);
        var negative = await server.LaminaAsync("gc", "--grace-period", "-5");
        Assert.Equal(2, negative.ExitCode);
        Assert.Contains("--grace-period must be 0 or more", negative.Stderr);
    }
}
