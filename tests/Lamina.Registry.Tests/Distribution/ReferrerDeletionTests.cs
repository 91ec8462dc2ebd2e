using System.Net;
using System.Text;
using System.Text.Json;
using Lamina.Oci;
using static Lamina.Registry.Tests.Reclaim.ReclaimClient;

namespace Lamina.Registry.Tests.Distribution;

/// <summary>
/// Issue 2's leftover, over HTTP: the referrers (signatures, SBOMs) of a deleted image. The distribution spec keeps
/// the referrers API answering 200 with an index for any digest, and leaves what happens to referrers to the
/// registry; Lamina treats <c>subject</c> as the weak link the image spec calls it: deleting the subject keeps its
/// referrers listed until the next collection, which deletes the untagged ones (and referrers of those), then their
/// bytes after the grace period. A tagged referrer is the user's to delete.
/// </summary>
public class ReferrerDeletionTests
{
    [Fact]
    public async Task Untagged_referrers_of_a_deleted_subject_go_at_the_next_collection_and_tagged_ones_stay()
    {
        await using var server = await RegistryServer.StartAsync();
        var (_, subject) = await server.PushImageAsync("r", "v1", "the image");
        var sbom = await PushReferrerAsync(server, "r", subject, "application/spdx+json", "sbom layer");
        var sbomSignature = await PushReferrerAsync(server, "r", sbom.Digest, "application/vnd.example.sig", "sbom signature");
        var kept = await PushReferrerAsync(server, "r", subject, "application/vnd.example.sig", "kept signature", tag: "kept-sig");
        Assert.Equal(Sorted(sbom.Digest, kept.Digest), await ReferrersAsync(server, subject));

        using (var delete = await server.Http.DeleteAsync($"/v2/r/manifests/{subject}"))
            Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        using (var gone = await server.Http.GetAsync($"/v2/r/manifests/{subject}"))
            await RegistryServer.AssertErrorAsync(gone, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
        // Until the collection the referrers stay listed and pullable; the API answers 200 for a deleted subject.
        Assert.Equal(Sorted(sbom.Digest, kept.Digest), await ReferrersAsync(server, subject));

        var deleted = await CollectReferrersAsync(server, expected: 2);
        Assert.Equal(2, deleted); // the SBOM and, its subject gone in the same run, the SBOM's signature

        Assert.Equal([kept.Digest], await ReferrersAsync(server, subject));
        Assert.Empty(await ReferrersAsync(server, sbom.Digest));
        foreach (var d in new[] { sbom.Digest, sbomSignature.Digest })
        {
            using var missing = await server.Http.GetAsync($"/v2/r/manifests/{d}");
            await RegistryServer.AssertErrorAsync(missing, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
        }
        using (var tagged = await server.Http.GetAsync("/v2/r/manifests/kept-sig"))
            Assert.Equal(HttpStatusCode.OK, tagged.StatusCode);

        // The bytes follow once their clocks pass the grace period (0 here); the kept referrer's stay.
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (await BlobStatusAsync(server, sbom.Layer) != HttpStatusCode.NotFound && DateTime.UtcNow < deadline)
        {
            await GcAsync(server);
            await Task.Delay(20);
        }
        Assert.Equal(HttpStatusCode.NotFound, await BlobStatusAsync(server, sbom.Layer));
        Assert.Equal(HttpStatusCode.NotFound, await BlobStatusAsync(server, sbomSignature.Layer));
        Assert.Equal(HttpStatusCode.OK, await BlobStatusAsync(server, kept.Layer));
    }

    [Fact]
    public async Task A_referrer_pushed_ahead_of_its_subject_is_kept_through_the_grace_period()
    {
        await using var server = await RegistryServer.StartAsync();
        var absent = Digest.Compute("an image pushed later"u8);
        var early = await PushReferrerAsync(server, "r", absent, "application/vnd.example.sig", "early signature");

        var gc = await GcAsync(server, gracePeriodSeconds: null); // the server's grace period (1 h)
        Assert.Equal(0, gc.GetProperty("referrersDeleted").GetInt32());
        Assert.Equal([early.Digest], await ReferrersAsync(server, absent));
        using var pulled = await server.Http.GetAsync($"/v2/r/manifests/{early.Digest}");
        Assert.Equal(HttpStatusCode.OK, pulled.StatusCode);
    }

    private sealed record Referrer(Digest Digest, Digest Layer);

    private static List<Digest> Sorted(params Digest[] digests) => digests.OrderBy(d => d.ToString(), StringComparer.Ordinal).ToList();

    /// <summary>Pushes an artifact with <paramref name="subject"/>, by digest unless <paramref name="tag"/> is given.</summary>
    private static async Task<Referrer> PushReferrerAsync(RegistryServer server, string repo, Digest subject, string artifactType, string layerText, string? tag = null)
    {
        var config = "{}"u8.ToArray();
        var layer = Encoding.UTF8.GetBytes(layerText);
        var c = await server.PushBlobAsync(repo, config);
        var l = await server.PushBlobAsync(repo, layer);
        var manifest = RegistryServer.ImageManifestJson(c, config.Length, l, layer.Length, subject, artifactType);
        var digest = Digest.Compute(manifest);
        using var put = await server.PutManifestAsync(repo, tag ?? digest.ToString(), manifest);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(subject.ToString(), put.Headers.GetValues("OCI-Subject").Single());
        return new Referrer(digest, l);
    }

    private static async Task<List<Digest>> ReferrersAsync(RegistryServer server, Digest subject)
    {
        using var response = await server.Http.GetAsync($"/v2/r/referrers/{subject}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("manifests").EnumerateArray()
            .Select(m => Digest.Parse(m.GetProperty("digest").GetString()!)).OrderBy(d => d.ToString(), StringComparer.Ordinal).ToList();
    }

    /// <summary>Runs GC with no grace until <paramref name="expected"/> referrers went (a run in the same millisecond as the push sees it as new).</summary>
    private static async Task<int> CollectReferrersAsync(RegistryServer server, int expected)
    {
        var total = 0;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (total < expected && DateTime.UtcNow < deadline)
        {
            total += (await GcAsync(server)).GetProperty("referrersDeleted").GetInt32();
            if (total < expected) await Task.Delay(20);
        }
        return total;
    }

    private static async Task<HttpStatusCode> BlobStatusAsync(RegistryServer server, Digest blob)
    {
        using var response = await server.Http.GetAsync($"/v2/r/blobs/{blob}");
        return response.StatusCode;
    }
}
