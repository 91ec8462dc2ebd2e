using System.Buffers;
using System.Buffers.Text;

namespace Lamina.Agent.Emulator;

/// <summary>
/// Reads peak resident memory (VmHWM) from /proc for a process tree, once per invoke, so it is
/// done with one pooled buffer and no per-line strings. Inside a Lamina sandbox the cgroup's peak
/// is the truer figure; in emulator mode on a shared host the process tree is.
/// </summary>
internal static class MemoryProbe
{
    public static int PeakMegabytes(int rootPid)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            long kilobytes = 0;
            Span<int> pending = stackalloc int[64];
            pending[0] = rootPid;
            var count = 1;
            while (count > 0)
            {
                var pid = pending[--count];
                kilobytes += Field(Read($"/proc/{pid}/status", buffer), "VmHWM:"u8);
                // Needs CONFIG_PROC_CHILDREN (standard on distribution kernels).
                var children = Read($"/proc/{pid}/task/{pid}/children", buffer);
                while (children.Length > 0 && count < pending.Length)
                {
                    children = children.TrimStart((byte)' ');
                    if (!Utf8Parser.TryParse(children, out int child, out var used))
                    {
                        break;
                    }
                    pending[count++] = child;
                    children = children[used..];
                }
            }
            return (int)((kilobytes + 1023) / 1024);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ReadOnlySpan<byte> Read(string path, byte[] buffer)
    {
        try
        {
            using var handle = File.OpenHandle(path);
            return buffer.AsSpan(0, RandomAccess.Read(handle, buffer, 0));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The process is gone or /proc is not mounted: count it as unknown.
            return [];
        }
    }

    /// <summary>The number after <paramref name="name"/> in a /proc status text, in kB; 0 when absent.</summary>
    private static long Field(ReadOnlySpan<byte> text, ReadOnlySpan<byte> name)
    {
        var at = text.IndexOf(name);
        if (at < 0)
        {
            return 0;
        }
        var rest = text[(at + name.Length)..].TrimStart(" \t"u8);
        return Utf8Parser.TryParse(rest, out long value, out _) ? value : 0;
    }
}
