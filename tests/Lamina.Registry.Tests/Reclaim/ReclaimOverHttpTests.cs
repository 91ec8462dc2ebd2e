using System.Net;
using Lamina.Registry.Tests.Distribution;
using static Lamina.Registry.Tests.Reclaim.ReclaimClient;

namespace Lamina.Registry.Tests.Reclaim;

/// <summary>
/// Issue 2's soak finding, over HTTP against a real server: push and delete must give the space back once GC runs
/// (<c>POST /lamina/admin/v1/gc</c>), bytes counted on disk, while what is still used stays intact.
/// </summary>
public class ReclaimOverHttpTests
{
    [Fact]
    public async Task Pushing_and_deleting_images_then_collecting_returns_the_blob_directory_to_its_baseline()
    {
        await using var server = await RegistryServer.StartAsync();
        var kept = await PushAsync(server, "keep/base", "v1", RandomLayer(40_000));
        var baseline = BlobBytes(server);

        var images = new List<PushedImage>();
        for (var i = 0; i < 6; i++) images.Add(await PushAsync(server, "churn/app", $"t{i}", RandomLayer(64 * 1024 + i), RandomLayer(1000 + i)));
        var grown = BlobBytes(server);
        Assert.True(grown > baseline + 6 * 64 * 1024, $"{grown} bytes after the pushes, {baseline} before");

        // Nothing is freed while the images exist, whatever the grace period.
        Assert.Equal(0, (await GcAsync(server)).GetProperty("bytesFreed").GetInt64());
        Assert.Equal(grown, BlobBytes(server));

        foreach (var image in images) await DeleteAsync(server, image);
        var freed = await CollectUntilAsync(server, baseline);
        Assert.Equal(grown - baseline, freed); // what the admin endpoint (and `lamina gc`) reports is what the disk lost

        await AssertPullsBackAsync(server, kept); // its config is the same bytes as the deleted images': still there
        using var gone = await server.Http.GetAsync($"/v2/churn/app/blobs/{images[0].Blobs.Keys.Last()}");
        await RegistryServer.AssertErrorAsync(gone, HttpStatusCode.NotFound, "BLOB_UNKNOWN");
    }

    [Fact]
    public async Task A_shared_layer_survives_while_one_manifest_still_uses_it()
    {
        await using var server = await RegistryServer.StartAsync();
        var shared = RandomLayer(50_000);
        var a = await PushAsync(server, "r", "a", shared, RandomLayer(7000));
        var b = await PushAsync(server, "r", "b", shared, RandomLayer(9000));
        var onlyB = BlobBytes(server) - 7000 - a.ManifestBytes.Length;

        await DeleteAsync(server, a);
        await CollectUntilAsync(server, onlyB);
        await AssertPullsBackAsync(server, b);

        await DeleteAsync(server, b);
        await CollectUntilAsync(server, 0);
        Assert.Equal(0, server.BlobFileCount());
    }

    [Fact]
    public async Task Deleting_a_tag_keeps_the_untagged_manifest_and_its_layers_through_a_collection()
    {
        await using var server = await RegistryServer.StartAsync();
        var image = await PushAsync(server, "r", "v1", RandomLayer(20_000));
        using (var delete = await server.Http.DeleteAsync("/v2/r/manifests/v1")) Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        var bytes = BlobBytes(server);
        await Task.Delay(5);
        Assert.Equal(0, (await GcAsync(server)).GetProperty("bytesFreed").GetInt64());
        Assert.Equal(bytes, BlobBytes(server));
        await AssertPullsBackAsync(server, image); // by digest: the spec's tag delete removes the tag only
    }

    [Fact]
    public async Task A_layer_a_client_was_told_exists_survives_a_collection_until_its_manifest_arrives()
    {
        // A short grace period so the deleted image's links go stale within the test; HEAD gives a stale link a
        // fresh clock, so the collection right after it drops only the layer no client asked about.
        await using var server = await RegistryServer.StartAsync(o => o.GcGracePeriod = TimeSpan.FromSeconds(10));
        var reused = RandomLayer(30_000);
        var notAsked = RandomLayer(20_000);
        var old = await PushAsync(server, "r", "old", reused, notAsked);
        await DeleteAsync(server, old);
        await Task.Delay(TimeSpan.FromSeconds(11));

        var reusedDigest = Lamina.Oci.Digest.Compute(reused);
        using (var head = await server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/r/blobs/{reusedDigest}")))
        {
            Assert.Equal(HttpStatusCode.OK, head.StatusCode); // the client skips this upload
        }
        var gc = await GcAsync(server, gracePeriodSeconds: null); // the server's grace period
        Assert.True(gc.GetProperty("bytesFreed").GetInt64() >= notAsked.Length, gc.ToString());
        using (var dropped = await server.Http.GetAsync($"/v2/r/blobs/{Lamina.Oci.Digest.Compute(notAsked)}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, dropped.StatusCode);
        }

        // The new manifest references the layer it did not upload (and a config it re-uploads): accepted, and whole.
        var config = System.Text.Encoding.UTF8.GetBytes(Config);
        var configDigest = await server.PushBlobAsync("r", config);
        var manifest = RegistryServer.ImageManifestJson(configDigest, config.Length, reusedDigest, reused.Length);
        using (var put = await server.PutManifestAsync("r", "new", manifest)) Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        await AssertPullsBackAsync(server, new PushedImage("r", Lamina.Oci.Digest.Compute(manifest), manifest,
            new Dictionary<Lamina.Oci.Digest, byte[]> { [configDigest] = config, [reusedDigest] = reused }));
    }

    [Fact]
    public async Task Pushes_racing_deletes_and_collections_with_no_grace_lose_nothing_acknowledged()
    {
        await using var server = await RegistryServer.StartAsync();
        var baseLayer = RandomLayer(40_000);
        var acknowledged = new System.Collections.Concurrent.ConcurrentQueue<PushedImage>();
        var deleted = new System.Collections.Concurrent.ConcurrentDictionary<Lamina.Oci.Digest, bool>();
        var refusals = 0;
        using var stop = new CancellationTokenSource();

        var pushers = Enumerable.Range(0, 3).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 12; i++)
            {
                // A refused push is pushed again, as a client would (a quiet machine's collector loop is fast
                // enough to refuse every first attempt).
                for (var attempt = 0; attempt < 10; attempt++)
                {
                    var (response, image) = await TryPushAsync(server, "race/app", $"w{w}-{i}", baseLayer, RandomLayer(8000 + i));
                    using (response)
                    {
                        if (response.StatusCode == HttpStatusCode.Created)
                        {
                            acknowledged.Enqueue(image);
                            break;
                        }
                        // With no grace the collector may drop a just-uploaded layer's link before the manifest names
                        // it: the push is refused cleanly, never half-stored.
                        await RegistryServer.AssertErrorAsync(response, HttpStatusCode.BadRequest, "MANIFEST_BLOB_UNKNOWN");
                        Interlocked.Increment(ref refusals);
                    }
                }
            }
        })).ToList();
        var deleter = Task.Run(async () =>
        {
            var n = 0;
            while (!stop.IsCancellationRequested)
            {
                foreach (var image in acknowledged.Where(i => !deleted.ContainsKey(i.Manifest)).ToList())
                {
                    if (n++ % 2 == 0 && deleted.TryAdd(image.Manifest, true)) await DeleteAsync(server, image);
                    else deleted.TryAdd(image.Manifest, false);
                }
                await Task.Delay(20);
            }
        });
        var collector = Task.Run(async () =>
        {
            var runs = 0;
            while (!stop.IsCancellationRequested)
            {
                await GcAsync(server);
                runs++;
                await Task.Delay(Random.Shared.Next(0, 30));
            }
            return runs;
        });
        await Task.WhenAll(pushers);
        await stop.CancelAsync();
        await deleter;
        Assert.True(await collector > 0);
        await GcAsync(server);

        var live = acknowledged.Where(i => !deleted.TryGetValue(i.Manifest, out var d) || !d).ToList();
        Assert.True(live.Count > 0, $"no push was acknowledged and kept ({refusals} refused)");
        foreach (var image in live) await AssertPullsBackAsync(server, image);

        foreach (var image in live) await DeleteAsync(server, image);
        await CollectUntilAsync(server, 0);
    }
}
