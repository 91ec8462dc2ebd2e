using System.Net;
using System.Net.Sockets;
using System.Text;
using Lamina.Oci;
using Lamina.Registry.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Lamina.Registry.Tests.Distribution;

/// <summary>Bad input gets the spec's error, nothing partial becomes visible, and the server stays up.</summary>
public class BadInputTests
{
    [Theory]
    [InlineData("not json")]
    [InlineData("{\"schemaVersion\":1}")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"x\",\"digest\":\"sha256:zz\",\"size\":1}}")]
    public async Task Malformed_manifests_are_MANIFEST_INVALID(string body)
    {
        await using var server = await RegistryServer.StartAsync();
        using var response = await server.PutManifestAsync("r", "v1", Encoding.UTF8.GetBytes(body));
        await RegistryServer.AssertErrorAsync(response, HttpStatusCode.BadRequest, "MANIFEST_INVALID");
        using var get = await server.Http.GetAsync("/v2/r/manifests/v1");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        await server.AssertAliveAsync();
    }

    [Fact]
    public async Task Unknown_manifest_media_types_are_refused()
    {
        await using var server = await RegistryServer.StartAsync();
        var body = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.example.unknown+json\",\"config\":{}}"u8.ToArray();
        using var response = await server.PutManifestAsync("r", "v1", body, "application/vnd.example.unknown+json");
        await RegistryServer.AssertErrorAsync(response, HttpStatusCode.BadRequest, "MANIFEST_INVALID");
    }

    [Fact]
    public async Task Oversized_manifests_are_413()
    {
        await using var server = await RegistryServer.StartAsync();
        var body = new byte[ImageManifest.MaxBytes + 1];
        Array.Fill(body, (byte)' ');
        using var response = await server.PutManifestAsync("r", "v1", body);
        await RegistryServer.AssertErrorAsync(response, (HttpStatusCode)413, "SIZE_INVALID");
        await server.AssertAliveAsync();
    }

    [Fact]
    public async Task A_manifest_whose_digest_differs_from_the_url_is_DIGEST_INVALID()
    {
        await using var server = await RegistryServer.StartAsync();
        var (bytes, _) = await server.PushImageAsync("r", "v1");
        using var response = await server.PutManifestAsync("r", Digest.Compute("other"u8).ToString(), bytes);
        await RegistryServer.AssertErrorAsync(response, HttpStatusCode.BadRequest, "DIGEST_INVALID");
    }

    [Fact]
    public async Task Manifests_referencing_missing_blobs_or_children_are_MANIFEST_BLOB_UNKNOWN()
    {
        await using var server = await RegistryServer.StartAsync();
        var config = await server.PushBlobAsync("r", "{}"u8.ToArray());
        var missing = Digest.Compute("never pushed"u8);
        using (var response = await server.PutManifestAsync("r", "v1", RegistryServer.ImageManifestJson(config, 2, missing, 12)))
        {
            await RegistryServer.AssertErrorAsync(response, HttpStatusCode.BadRequest, "MANIFEST_BLOB_UNKNOWN");
        }
        var index = Encoding.UTF8.GetBytes(
            $"{{\"schemaVersion\":2,\"mediaType\":\"{MediaTypes.OciIndex}\",\"manifests\":[{{\"mediaType\":\"{MediaTypes.OciManifest}\",\"digest\":\"{missing}\",\"size\":3}}]}}");
        using (var response = await server.PutManifestAsync("r", "multi", index, MediaTypes.OciIndex))
        {
            await RegistryServer.AssertErrorAsync(response, HttpStatusCode.BadRequest, "MANIFEST_BLOB_UNKNOWN");
        }
        // A layer linked only in another repository does not count.
        var elsewhere = await server.PushBlobAsync("other", "layer"u8.ToArray());
        using var cross = await server.PutManifestAsync("r", "v2", RegistryServer.ImageManifestJson(config, 2, elsewhere, 5));
        await RegistryServer.AssertErrorAsync(cross, HttpStatusCode.BadRequest, "MANIFEST_BLOB_UNKNOWN");
    }

    [Fact]
    public async Task A_blob_with_the_wrong_digest_is_DIGEST_INVALID_and_never_visible()
    {
        await using var server = await RegistryServer.StartAsync();
        var claimed = Digest.Compute("what I claim"u8);
        using (var mono = await server.Http.PostAsync($"/v2/r/blobs/uploads/?digest={claimed}", RegistryServer.Octets("what I send"u8.ToArray())))
        {
            await RegistryServer.AssertErrorAsync(mono, HttpStatusCode.BadRequest, "DIGEST_INVALID");
        }
        using var start = await server.Http.PostAsync("/v2/r/blobs/uploads/", null);
        using (var put = await server.Http.PutAsync($"{start.Headers.Location}?digest={claimed}", RegistryServer.Octets("other bytes"u8.ToArray())))
        {
            await RegistryServer.AssertErrorAsync(put, HttpStatusCode.BadRequest, "DIGEST_INVALID");
        }
        using (var head = await server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/r/blobs/{claimed}"))) Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
        Assert.Equal(0, server.BlobFileCount());
        using var invalid = await server.Http.PostAsync("/v2/r/blobs/uploads/?digest=sha256:short", RegistryServer.Octets([1]));
        await RegistryServer.AssertErrorAsync(invalid, HttpStatusCode.BadRequest, "DIGEST_INVALID");
    }

    [Fact]
    public async Task A_body_shorter_than_its_Content_Length_stores_nothing()
    {
        await using var server = await RegistryServer.StartAsync();
        var payload = "only ten b"u8.ToArray();
        var digest = Digest.Compute(payload);
        // Raw socket: declare 1000 bytes, send 10, then close. HttpClient would refuse to send this.
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(server.Host.BaseAddress.Host, server.Host.BaseAddress.Port);
            var stream = tcp.GetStream();
            var head = $"POST /v2/r/blobs/uploads/?digest={digest} HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            await stream.WriteAsync(payload);
            await stream.FlushAsync();
            tcp.Client.Shutdown(SocketShutdown.Send);
            var buffer = new byte[4096];
            try { while (await stream.ReadAsync(buffer) > 0) { } } catch (IOException) { }
        }
        using (var get = await server.Http.GetAsync($"/v2/r/blobs/{digest}")) Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(0, server.BlobFileCount());

        // A chunk whose Content-Range disagrees with Content-Length is refused before anything is written.
        using var start = await server.Http.PostAsync("/v2/r/blobs/uploads/", null);
        var chunk = RegistryServer.Octets("abc"u8.ToArray());
        chunk.Headers.TryAddWithoutValidation("Content-Range", "0-9");
        using (var patch = await server.Http.PatchAsync(start.Headers.Location, chunk)) await RegistryServer.AssertErrorAsync(patch, HttpStatusCode.BadRequest, "BLOB_UPLOAD_INVALID");
        using (var status = await server.Http.GetAsync(start.Headers.Location)) Assert.Equal("0-0", status.Headers.GetValues("Range").Single());
        await server.AssertAliveAsync();
    }

    [Fact]
    public async Task Out_of_order_and_overlapping_chunks_are_416_with_the_received_range()
    {
        await using var server = await RegistryServer.StartAsync();
        using var start = await server.Http.PostAsync("/v2/r/blobs/uploads/", null);
        var location = start.Headers.Location!.OriginalString;
        location = await PushTests.PatchAsync(server, location, "0123456789"u8.ToArray(), 0, HttpStatusCode.Accepted, "0-9");
        await PushTests.PatchAsync(server, location, "zz"u8.ToArray(), 20, HttpStatusCode.RequestedRangeNotSatisfiable, "0-9"); // gap
        await PushTests.PatchAsync(server, location, "zz"u8.ToArray(), 5, HttpStatusCode.RequestedRangeNotSatisfiable, "0-9"); // overlap
        location = await PushTests.PatchAsync(server, location, "abc"u8.ToArray(), 10, HttpStatusCode.Accepted, "0-12");
        using var put = await server.Http.PutAsync($"{location}?digest={Digest.Compute("0123456789abc"u8)}", null);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
    }

    [Fact]
    public async Task A_concurrent_PATCH_on_one_upload_is_refused_and_corrupts_nothing()
    {
        await using var server = await RegistryServer.StartAsync();
        using var start = await server.Http.PostAsync("/v2/r/blobs/uploads/", null);
        var location = start.Headers.Location!;
        var first = new byte[64 * 1024];
        Random.Shared.NextBytes(first);
        var gate = new TaskCompletionSource();
        var slow = new GatedContent(first, gate.Task);
        var inFlight = server.Http.PatchAsync(location, slow);
        await slow.Started;
        // Wait until the first PATCH is inside the server, holding the upload.
        var uploads = server.Host.Services.GetRequiredService<BlobUploads>();
        var id = location.OriginalString.Split('/')[^1];
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!uploads.IsBusy(id) && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.True(uploads.IsBusy(id), "the first PATCH never reached the server");

        using (var second = await server.Http.PatchAsync(location, RegistryServer.Octets("intruder"u8.ToArray())))
        {
            await RegistryServer.AssertErrorAsync(second, HttpStatusCode.RequestedRangeNotSatisfiable, "BLOB_UPLOAD_INVALID");
            Assert.True(second.Headers.Contains("Range"));
        }
        gate.SetResult();
        using (var done = await inFlight) Assert.Equal(HttpStatusCode.Accepted, done.StatusCode);
        using var put = await server.Http.PutAsync($"{location}?digest={Digest.Compute(first)}", null);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
    }

    /// <summary>Sends half its bytes, then waits for a gate before sending the rest.</summary>
    private sealed class GatedContent(byte[] bytes, Task gate) : HttpContent
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Task Started => _started.Task;

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
            await stream.FlushAsync();
            _started.SetResult();
            await gate;
            await stream.WriteAsync(bytes.AsMemory(bytes.Length / 2));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return true;
        }
    }

    [Theory]
    [InlineData("/v2/a/..%2F..%2Fetc/blobs/uploads/")]
    [InlineData("/v2/UPPER/blobs/uploads/")]
    [InlineData("/v2/a//b/blobs/uploads/")]
    [InlineData("/v2/a/.hidden/blobs/uploads/")]
    [InlineData("/v2/-lead/blobs/uploads/")]
    public async Task Invalid_repository_names_are_NAME_INVALID_and_touch_no_disk(string path)
    {
        await using var server = await RegistryServer.StartAsync();
        var before = NonDatabaseEntries(server.DataDir);
        using var response = await server.Http.PostAsync(path, null);
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{path}: {response.StatusCode}");
        if (response.StatusCode == HttpStatusCode.BadRequest) await RegistryServer.AssertErrorAsync(response, HttpStatusCode.BadRequest, "NAME_INVALID");
        Assert.Equal("{\"repositories\":[]}", await server.Http.GetStringAsync("/v2/_catalog"));
        Assert.Equal(before, NonDatabaseEntries(server.DataDir));
        await server.AssertAliveAsync();
    }

    // SQLite files come and go on their own (WAL and shared-memory files of lamina.db and of the control
    // plane's control.db appear and vanish as connections open and close), so only the rest is compared.
    private static string[] NonDatabaseEntries(string dir) =>
        Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories)
            .Where(p => !Path.GetFileName(p).Contains(".db", StringComparison.Ordinal)).Order().ToArray();

    [Fact]
    public async Task Unknown_uploads_and_bad_digests_get_their_codes()
    {
        await using var server = await RegistryServer.StartAsync();
        using (var r = await server.Http.GetAsync($"/v2/r/blobs/uploads/{Guid.NewGuid()}")) await RegistryServer.AssertErrorAsync(r, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
        using (var r = await server.Http.GetAsync("/v2/r/blobs/uploads/not-a-uuid")) await RegistryServer.AssertErrorAsync(r, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
        using (var r = await server.Http.GetAsync("/v2/r/blobs/md5:abcd")) await RegistryServer.AssertErrorAsync(r, HttpStatusCode.BadRequest, "DIGEST_INVALID");
        using (var r = await server.Http.PutAsync($"/v2/r/blobs/uploads/{Guid.NewGuid()}", null)) await RegistryServer.AssertErrorAsync(r, HttpStatusCode.BadRequest, "DIGEST_INVALID");
        using (var r = await server.Http.PostAsync("/v2/r/manifests/v1", null)) await RegistryServer.AssertErrorAsync(r, HttpStatusCode.MethodNotAllowed, "UNSUPPORTED");
    }

    [Fact]
    public async Task Overwriting_an_immutable_tag_is_TAG_INVALID_and_keeps_the_old_image()
    {
        await using var server = await RegistryServer.StartAsync();
        await server.Host.Services.GetRequiredService<IRegistryMetadata>().CreateRepositoryAsync("locked", TagMutability.Immutable);
        var (_, first) = await server.PushImageAsync("locked", "v1", "one");
        var config = await server.PushBlobAsync("locked", "{}"u8.ToArray());
        var layer = await server.PushBlobAsync("locked", "two"u8.ToArray());
        using var response = await server.PutManifestAsync("locked", "v1", RegistryServer.ImageManifestJson(config, 2, layer, 3));
        await RegistryServer.AssertErrorAsync(response, HttpStatusCode.BadRequest, "TAG_INVALID");
        using var head = await server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/v2/locked/manifests/v1"));
        Assert.Equal(first.ToString(), head.Headers.GetValues("Docker-Content-Digest").Single());
    }
}
