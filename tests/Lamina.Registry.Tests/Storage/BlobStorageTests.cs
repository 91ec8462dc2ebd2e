using Lamina.Oci;
using Lamina.Registry.Storage;

namespace Lamina.Registry.Tests.Storage;

public class BlobStorageTests
{
    private static async Task<Digest> UploadAsync(StorageFixture f, string repo, byte[] bytes)
    {
        var digest = Digest.Compute(bytes);
        var result = await f.Uploads.PutMonolithicAsync(repo, digest, new MemoryStream(bytes), bytes.Length);
        Assert.Equal(UploadStatus.Ok, result.Status);
        return digest;
    }

    [Fact]
    public async Task The_same_content_pushed_to_many_repositories_is_stored_once_read_only()
    {
        using var f = new StorageFixture();
        var bytes = "same layer"u8.ToArray();
        Digest digest = default;
        foreach (var repo in new[] { "a", "b", "c/d" }) digest = await UploadAsync(f, repo, bytes);
        var files = Directory.EnumerateFiles(f.Paths.Blobs, "*", SearchOption.AllDirectories).ToList();
        Assert.Equal([Path.Combine(f.Paths.Blobs, "sha256", digest.Encoded[..2], digest.Encoded)], files);
        Assert.Equal(bytes, File.ReadAllBytes(files[0]));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(files[0]));
        foreach (var repo in new[] { "a", "b", "c/d" }) Assert.Equal(bytes.Length, await f.Metadata.GetLinkedBlobSizeAsync(repo, digest));
        Assert.Empty(Directory.EnumerateFiles(f.Paths.Uploads)); // temporary files consumed
    }

    [Fact]
    public async Task A_failed_or_wrong_write_leaves_no_blob_and_no_temporary_file()
    {
        using var f = new StorageFixture();
        var claimed = Digest.Compute("claimed"u8);
        var wrong = await f.Uploads.PutMonolithicAsync("r", claimed, new MemoryStream("actual"u8.ToArray()), 6);
        Assert.Equal(UploadStatus.DigestMismatch, wrong.Status);
        var shortBody = await f.Uploads.PutMonolithicAsync("r", claimed, new MemoryStream("short"u8.ToArray()), 100);
        Assert.Equal(UploadStatus.Incomplete, shortBody.Status);
        var broken = await f.Uploads.PutMonolithicAsync("r", claimed, new FailingStream(), null);
        Assert.Equal(UploadStatus.Incomplete, broken.Status);
        Assert.False(f.Blobs.Exists(claimed));
        Assert.Null(await f.Metadata.GetBlobSizeAsync(claimed));
        Assert.Empty(Directory.EnumerateFiles(f.Paths.Uploads));
        Assert.False(Directory.Exists(Path.Combine(f.Paths.Blobs, "sha256")) && Directory.EnumerateFiles(Path.Combine(f.Paths.Blobs, "sha256"), "*", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public async Task A_failed_chunk_is_rolled_back_and_the_upload_continues_from_the_acknowledged_offset()
    {
        using var f = new StorageFixture();
        var session = await f.Uploads.StartAsync("r");
        Assert.Equal(UploadStatus.Ok, (await f.Uploads.AppendAsync("r", session.Id, new MemoryStream("hello "u8.ToArray()), 0, 6)).Status);
        var failed = await f.Uploads.AppendAsync("r", session.Id, new FailingStream(), 6, null);
        Assert.Equal(UploadStatus.Incomplete, failed.Status);
        Assert.Equal(6, failed.Offset);
        Assert.Equal(6, new FileInfo(Path.Combine(f.Paths.Uploads, session.Id)).Length);
        Assert.Equal(UploadStatus.Ok, (await f.Uploads.AppendAsync("r", session.Id, new MemoryStream("world"u8.ToArray()), 6, 5)).Status);
        var done = await f.Uploads.CompleteAsync("r", session.Id, Digest.Compute("hello world"u8), null, null);
        Assert.Equal(UploadStatus.Ok, done.Status);
        Assert.Equal("hello world", File.ReadAllText(f.Blobs.GetPath(Digest.Compute("hello world"u8))!));
    }

    [Fact]
    public async Task Abandoned_uploads_expire()
    {
        using var f = new StorageFixture(new RegistryOptions { UploadExpiry = TimeSpan.FromMilliseconds(1) });
        var session = await f.Uploads.StartAsync("r");
        await f.Uploads.AppendAsync("r", session.Id, new MemoryStream([1, 2, 3]), null, null);
        await Task.Delay(50);
        Assert.Equal(1, await f.Uploads.SweepExpiredAsync());
        Assert.Null(await f.Uploads.GetAsync("r", session.Id));
        Assert.Empty(Directory.EnumerateFiles(f.Paths.Uploads));
    }

    [Fact]
    public async Task Uploads_belong_to_their_repository()
    {
        using var f = new StorageFixture();
        var session = await f.Uploads.StartAsync("mine");
        Assert.Null(await f.Uploads.GetAsync("theirs", session.Id));
        Assert.Equal(UploadStatus.NotFound, (await f.Uploads.AppendAsync("theirs", session.Id, new MemoryStream([1]), null, null)).Status);
        Assert.Null(await f.Uploads.GetAsync("mine", "../../etc/passwd"));
    }

    private sealed class FailingStream : Stream
    {
        private int _reads;
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_reads++ > 0) throw new IOException("client went away");
            buffer[offset] = 42;
            return 1;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_reads++ > 0) throw new IOException("client went away");
            buffer.Span[0] = 42;
            return ValueTask.FromResult(1);
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
