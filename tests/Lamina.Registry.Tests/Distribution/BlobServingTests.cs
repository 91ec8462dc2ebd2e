using System.Net;
using System.Net.Http.Headers;

namespace Lamina.Registry.Tests.Distribution;

/// <summary>
/// Blob bodies are written by BlobSendFile in 1 MiB segments: blobs spanning several segments must come back
/// byte-exact, whole and in every kind of range, with the framework's conditional handling intact.
/// </summary>
public class BlobServingTests
{
    private const int Size = (3 << 20) + 12345; // three full segments and a partial one

    private static byte[] Pattern()
    {
        var bytes = new byte[Size];
        new Random(42).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task A_multi_segment_blob_is_served_whole_and_in_ranges_across_segment_boundaries()
    {
        await using var server = await RegistryServer.StartAsync();
        var bytes = Pattern();
        var digest = await server.PushBlobAsync("r", bytes);

        using (var get = await server.Http.GetAsync($"/v2/r/blobs/{digest}"))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal(Size, get.Content.Headers.ContentLength);
            Assert.Equal(bytes, await get.Content.ReadAsByteArrayAsync());
        }

        const int segment = 1 << 20;
        (long? From, long? To, int Start, int Length)[] ranges =
        [
            (segment - 10, 2L * segment + 9, segment - 10, segment + 20), // crosses two segment boundaries
            (3L * segment, null, 3 * segment, Size - 3 * segment),         // open-ended tail
            (null, 100, Size - 100, 100),                                    // suffix
            (0, 0, 0, 1),
        ];
        foreach (var (from, to, start, length) in ranges)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/r/blobs/{digest}");
            request.Headers.Range = new RangeHeaderValue(from, to);
            using var partial = await server.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
            Assert.Equal($"bytes {start}-{start + length - 1}/{Size}", partial.Content.Headers.ContentRange!.ToString());
            Assert.Equal(bytes.AsSpan(start, length).ToArray(), await partial.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task HEAD_sends_no_body_and_a_matching_ETag_is_304_and_an_unsatisfiable_range_416()
    {
        await using var server = await RegistryServer.StartAsync();
        var digest = await server.PushBlobAsync("r", Pattern());

        using (var head = await server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/r/blobs/{digest}")))
        {
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal(Size, head.Content.Headers.ContentLength);
            Assert.Equal(digest.ToString(), head.Headers.GetValues("Docker-Content-Digest").Single());
            Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        }

        using (var conditional = new HttpRequestMessage(HttpMethod.Get, $"/v2/r/blobs/{digest}"))
        {
            conditional.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{digest}\""));
            using var notModified = await server.Http.SendAsync(conditional);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
            Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
        }

        using var beyond = new HttpRequestMessage(HttpMethod.Get, $"/v2/r/blobs/{digest}");
        beyond.Headers.Range = new RangeHeaderValue(Size + 1, Size + 10);
        using var unsatisfiable = await server.Http.SendAsync(beyond);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, unsatisfiable.StatusCode);

        // The connection is still usable after all of the above: the next full GET is complete.
        using var again = await server.Http.GetAsync($"/v2/r/blobs/{digest}");
        Assert.Equal(Size, (await again.Content.ReadAsByteArrayAsync()).Length);
    }
}
