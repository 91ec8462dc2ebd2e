using System.Security.Cryptography;
using Lamina.Registry.Storage;

namespace Lamina.Registry.Tests.Storage;

/// <summary>
/// The push path's copy loop gathers 1 MiB, hashes it, and writes it <see cref="StreamCopy.WriteSize"/> bytes
/// at a time. The digest is computed from the buffer, not from the file, so a misplaced piece would go unseen
/// by the digest check: these tests read the file back.
/// </summary>
public class StreamCopyTests
{
    [Theory]
    [InlineData(0L, 5)]
    [InlineData(0L, StreamCopy.WriteSize - 1)]
    [InlineData(0L, StreamCopy.WriteSize)]
    [InlineData(17L, (1 << 20) + (3 * StreamCopy.WriteSize) + 5)]
    [InlineData(1L << 20, (3 << 20) + 7)]
    public async Task Bytes_land_at_their_offsets_and_the_hash_covers_exactly_them(long offset, int length)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("lamina-copy-").FullName, "upload");
        try
        {
            var prefix = new byte[offset];
            Random.Shared.NextBytes(prefix);
            await File.WriteAllBytesAsync(path, prefix);
            var body = new byte[length];
            Random.Shared.NextBytes(body);

            using var hasher = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long copied;
            using (var file = File.OpenHandle(path, FileMode.Open, FileAccess.Write))
            {
                copied = await StreamCopy.CopyAsync(new OddReadsStream(body), file, offset, hasher, CancellationToken.None);
            }

            Assert.Equal(length, copied);
            Assert.Equal(SHA256.HashData(body), hasher.GetHashAndReset());
            var stored = await File.ReadAllBytesAsync(path);
            Assert.Equal(prefix.Concat(body).ToArray(), stored);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    /// <summary>A network-like body: reads return odd, varying sizes, never a whole buffer.</summary>
    private sealed class OddReadsStream(byte[] data) : Stream
    {
        private int _position;
        private int _call;

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, data.Length - _position), 7_001 + (_call++ % 5 * 13_337));
            data.AsSpan(_position, n).CopyTo(buffer.AsSpan(offset, n));
            _position += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
