using System.Net;
using Lamina.Registry.Tests.Distribution;
using Lamina.Registry.Tests.Interop;
using static Lamina.Registry.Tests.Reclaim.ReclaimClient;

namespace Lamina.Registry.Tests.Reclaim;

/// <summary>Reclaiming across a restart, and with skopeo as the client.</summary>
public class ReclaimRestartTests
{
    [Fact]
    public async Task A_restart_between_delete_and_collection_loses_nothing_and_the_space_still_comes_back()
    {
        var first = await RegistryServer.StartAsync();
        var dataDir = first.DataDir;
        PushedImage kept;
        long baseline;
        var deleted = new List<PushedImage>();
        try
        {
            kept = await PushAsync(first, "r", "kept", RandomLayer(30_000));
            baseline = BlobBytes(first);
            for (var i = 0; i < 3; i++) deleted.Add(await PushAsync(first, "r", $"gone{i}", RandomLayer(20_000)));
            foreach (var image in deleted) await DeleteAsync(first, image);
        }
        finally
        {
            await first.StopAsync(); // stopped before any collection: the deletes are committed, nothing freed yet
        }

        await using var second = await RegistryServer.StartAsync(dataDir: dataDir);
        await AssertPullsBackAsync(second, kept);
        foreach (var image in deleted)
        {
            using var response = await second.Http.GetAsync($"/v2/r/manifests/{image.Manifest}");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        await CollectUntilAsync(second, baseline);
        await AssertPullsBackAsync(second, kept);
    }

    [Fact]
    public async Task Skopeo_pushes_an_image_that_is_deleted_collected_to_zero_bytes_and_pushed_again_whole()
    {
        await using var server = await RegistryServer.StartAsync();
        var work = Directory.CreateTempSubdirectory("lamina-reclaim-").FullName;
        try
        {
            var source = Path.Combine(work, "src");
            var manifestDigest = OciLayout.Create(source, "v1", 2 * 1024 * 1024);
            var registry = $"{server.Host.BaseAddress.Host}:{server.Host.BaseAddress.Port}";
            var push = await Tool.RunAsync("skopeo", "copy", "--dest-tls-verify=false", $"oci:{source}:v1", $"docker://{registry}/team/app:v1");
            Assert.True(push.ExitCode == 0, push.Output);
            Assert.True(BlobBytes(server) > 2 * 1024 * 1024);

            using (var delete = await server.Http.DeleteAsync($"/v2/team/app/manifests/{manifestDigest}")) Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
            await CollectUntilAsync(server, 0);
            Assert.Equal(0, server.BlobFileCount());

            var again = await Tool.RunAsync("skopeo", "copy", "--dest-tls-verify=false", $"oci:{source}:v1", $"docker://{registry}/team/app:v2");
            Assert.True(again.ExitCode == 0, again.Output);
            var back = Path.Combine(work, "back");
            var pull = await Tool.RunAsync("skopeo", "copy", "--src-tls-verify=false", $"docker://{registry}/team/app:v2", $"oci:{back}:v2");
            Assert.True(pull.ExitCode == 0, pull.Output);
            foreach (var blob in Directory.EnumerateFiles(Path.Combine(source, "blobs", "sha256")))
            {
                Assert.Equal(File.ReadAllBytes(blob), File.ReadAllBytes(Path.Combine(back, "blobs", "sha256", Path.GetFileName(blob))));
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
