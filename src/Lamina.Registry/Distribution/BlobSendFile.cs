using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Win32.SafeHandles;

namespace Lamina.Registry.Distribution;

/// <summary>
/// Kestrel's own <see cref="IHttpResponseBodyFeature.SendFileAsync"/> is not sendfile(2): it reads the file
/// in 64 KiB pieces into a rented buffer and copies that again into the output pipe's 4 KiB blocks. This
/// decorator reads the file straight into large output-pipe segments with <see cref="RandomAccess.Read(SafeFileHandle, Span{byte}, long)"/>
/// (one user-space copy, ~16× fewer reads and socket writes). Everything else — headers, Range/If-Range/HEAD
/// handling done by the file result, Content-Length accounting — stays with Kestrel, because the bytes go
/// through the response's own <see cref="PipeWriter"/>, in order, after the headers it writes.
/// </summary>
internal sealed class BlobSendFile(IHttpResponseBodyFeature inner) : IHttpResponseBodyFeature
{
    /// <summary>Bytes read per output segment. Large enough to amortise syscalls, small enough to stay a pooled array.</summary>
    internal const int SegmentSize = 1 << 20;

    public Stream Stream => inner.Stream;

    public PipeWriter Writer => inner.Writer;

    public void DisableBuffering() => inner.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

    public Task CompleteAsync() => inner.CompleteAsync();

    /// <summary>Sends <paramref name="count"/> bytes (or the rest of the file) from <paramref name="offset"/>; a file shorter than promised is an error, not a short response.</summary>
    public async Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        var remaining = count ?? RandomAccess.GetLength(file) - offset;
        var writer = inner.Writer;
        while (remaining > 0)
        {
            var want = (int)Math.Min(SegmentSize, remaining);
            var memory = writer.GetMemory(want);
            if (memory.Length > want) memory = memory[..want];
            // Synchronous pread of page-cache data: cheaper than a thread-pool hop per segment.
            var read = RandomAccess.Read(file, memory.Span, offset);
            if (read == 0) throw new IOException($"{path} ended {remaining} bytes before the promised length");
            writer.Advance(read);
            offset += read;
            remaining -= read;
            var flushed = await writer.FlushAsync(cancellationToken);
            if (flushed.IsCanceled || flushed.IsCompleted) return; // the client went away
        }
    }
}
