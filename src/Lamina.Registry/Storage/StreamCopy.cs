using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace Lamina.Registry.Storage;

/// <summary>
/// The one copy loop of the push path: request body → pooled buffer → file at an offset, hashing the same
/// buffer on the way. No other copy of the bytes is made, and memory stays at one buffer per request.
/// </summary>
internal static class StreamCopy
{
    private const int BufferSize = 1 << 20;

    /// <summary>
    /// Largest single <c>pwrite</c>. Linux sizes new page-cache folios by the length of the write (large folios
    /// on ext4), and high-order folios come from the free lists the VM's balloon has handed back to the host, so
    /// a 1 MiB write paid a host fault per page: the kernel's copy into the page cache was half of the server's
    /// push CPU, against 2% for distribution, whose writes are 32 KiB. 32 KiB folios come from the per-CPU lists
    /// of recently freed pages. See bench/registry/README.md.
    /// </summary>
    internal const int WriteSize = 32 * 1024;

    /// <summary>Copies <paramref name="source"/> to <paramref name="file"/> from <paramref name="offset"/>; returns the bytes copied.</summary>
    public static async Task<long> CopyAsync(Stream source, SafeFileHandle file, long offset, IncrementalHash? hasher, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long total = 0;
            while (true)
            {
                // Network reads arrive in small pieces; gather a full buffer so each write and hash call is large.
                var filled = 0;
                int read;
                do
                {
                    read = await source.ReadAsync(buffer.AsMemory(filled, BufferSize - filled), ct);
                    filled += read;
                }
                while (read > 0 && filled < BufferSize);
                if (filled == 0) return total;
                // The write (a copy into the page cache, on a pool thread) and the hash read the same buffer: overlap them.
                var write = WriteAsync(file, buffer, filled, offset + total, ct);
                hasher?.AppendData(buffer, 0, filled);
                await write;
                total += filled;
                if (read == 0) return total;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes <paramref name="count"/> bytes of <paramref name="buffer"/> at <paramref name="offset"/>, <see cref="WriteSize"/> at a time, on a pool thread.</summary>
    private static Task WriteAsync(SafeFileHandle file, byte[] buffer, int count, long offset, CancellationToken ct) =>
        Task.Run(() =>
        {
            for (var done = 0; done < count; done += WriteSize)
            {
                RandomAccess.Write(file, buffer.AsSpan(done, Math.Min(WriteSize, count - done)), offset + done);
            }
        }, ct);

    /// <summary>Hashes <paramref name="length"/> bytes of a file from the start (an upload whose in-memory hash was lost).</summary>
    public static async Task<byte[]> HashFileAsync(string path, long length, IncrementalHash hasher, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.SequentialScan);
            long position = 0;
            while (position < length)
            {
                var want = (int)Math.Min(BufferSize, length - position);
                var read = await RandomAccess.ReadAsync(handle, buffer.AsMemory(0, want), position, ct);
                if (read == 0) break;
                hasher.AppendData(buffer, 0, read);
                position += read;
            }
            return hasher.GetHashAndReset();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
