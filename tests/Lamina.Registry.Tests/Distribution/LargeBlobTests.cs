using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Lamina.Oci;
using Xunit.Abstractions;

namespace Lamina.Registry.Tests.Distribution;

/// <summary>
/// A 1 GiB blob pushed as one streamed PATCH and pulled back: the managed heap of the process (server and
/// client share it) must stay flat, proving neither path buffers the blob.
/// </summary>
// Alone: the heap it samples is the whole test process's, and other classes (the reclaim tests' pushers) must
// not add theirs to it while it runs.
[Collection(LargeBlobCollection.Name)]
public class LargeBlobTests(ITestOutputHelper output)
{
    private const long Size = 1L << 30;
    private const long HeapLimit = 200L * 1024 * 1024;

    [Fact]
    public async Task A_1_GiB_blob_streams_through_push_and_pull_with_flat_memory()
    {
        await using var server = await RegistryServer.StartAsync();
        using var sampler = new HeapSampler();

        var clock = Stopwatch.StartNew();
        using var start = await server.Http.PostAsync("/v2/big/blobs/uploads/", null);
        using var hasher = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var body = new StreamContent(new GeneratedStream(Size, hasher), 1 << 20);
        body.Headers.ContentLength = Size;
        using (var patch = await server.Http.PatchAsync(start.Headers.Location, body)) Assert.Equal(HttpStatusCode.Accepted, patch.StatusCode);
        var digest = Digest.FromHash(DigestAlgorithm.Sha256, hasher.GetHashAndReset());
        using (var put = await server.Http.PutAsync($"{start.Headers.Location}?digest={digest}", null)) Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        var pushSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        using var get = await server.Http.GetAsync($"/v2/big/blobs/{digest}", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(Size, get.Content.Headers.ContentLength);
        await using var stream = await get.Content.ReadAsStreamAsync();
        using var check = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        long total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0) { check.AppendData(buffer, 0, read); total += read; }
        var pullSeconds = clock.Elapsed.TotalSeconds;

        Assert.Equal(Size, total);
        Assert.Equal(digest, Digest.FromHash(DigestAlgorithm.Sha256, check.GetHashAndReset()));
        output.WriteLine($"push {Size / pushSeconds / 1e6:F0} MB/s, pull {Size / pullSeconds / 1e6:F0} MB/s, peak managed heap {sampler.Peak / 1e6:F0} MB ({sampler.Collected} samples taken after a full collection)");
        Assert.True(sampler.Peak < HeapLimit, $"managed heap peaked at {sampler.Peak / 1e6:F0} MB while moving a {Size >> 20} MiB blob");
    }

    /// <summary>
    /// Samples the GC heap size in the background; <see cref="Peak"/> is the largest seen. A sample above half the
    /// limit is taken again after a full collection: dead buffers waiting for the GC are not buffering, and how many
    /// pile up depends on the GC's budget on a loaded machine (CI once saw 237 MB counting them), while a path that
    /// buffered the blob would keep it live through the collection.
    /// </summary>
    private sealed class HeapSampler : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private long _peak;
        private int _collected;

        public HeapSampler() => _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                var heap = GC.GetTotalMemory(forceFullCollection: false);
                if (heap > HeapLimit / 2)
                {
                    Interlocked.Increment(ref _collected);
                    heap = GC.GetTotalMemory(forceFullCollection: true);
                }
                if (heap > Interlocked.Read(ref _peak)) Interlocked.Exchange(ref _peak, heap);
                try { await Task.Delay(20, _stop.Token); } catch (OperationCanceledException) { }
            }
        });

        public long Peak => Interlocked.Read(ref _peak);

        /// <summary>How many samples needed a full collection to tell garbage from live buffers.</summary>
        public int Collected => Volatile.Read(ref _collected);

        public void Dispose()
        {
            _stop.Cancel();
            _loop.Wait();
            _stop.Dispose();
        }
    }

    /// <summary>A read-only stream of <paramref name="length"/> pseudo-random bytes, hashed as they are produced.</summary>
    private sealed class GeneratedStream(long length, IncrementalHash hasher) : Stream
    {
        private long _position;
        private ulong _state = 0x9E3779B97F4A7C15;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, length - _position);
            var span = buffer[..n];
            for (var i = 0; i + 8 <= span.Length; i += 8)
            {
                _state ^= _state << 13; _state ^= _state >> 7; _state ^= _state << 17;
                BitConverter.TryWriteBytes(span[i..], _state);
            }
            for (var i = span.Length & ~7; i < span.Length; i++) span[i] = (byte)i;
            hasher.AppendData(span);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer.AsSpan(offset, count)));
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LargeBlobCollection
{
    public const string Name = "large blob, alone";
}
