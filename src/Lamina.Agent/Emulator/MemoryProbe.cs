using System.Buffers;
using System.Buffers.Text;
using Microsoft.Win32.SafeHandles;

namespace Lamina.Agent.Emulator;

/// <summary>
/// Reads peak resident memory (VmHWM) from /proc for a process tree, once per invoke, with one pooled
/// buffer and no per-line strings. The root process's two files stay open and are re-read with
/// pread at offset 0 (procfs regenerates them), so the warm path costs two syscalls, not a dozen
/// (open, fstat, flock, read, unlock, close per file). Inside a Lamina sandbox the cgroup's peak is the
/// truer figure; in emulator mode on a shared host the process tree is.
/// </summary>
internal sealed class MemoryProbe(int rootPid)
{
    private SafeFileHandle? _status;
    private SafeFileHandle? _children;

    public int PeakMegabytes()
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
                var root = pid == rootPid;
                kilobytes += Field(root ? ReadKept(ref _status, $"/proc/{pid}/status", buffer) : Read($"/proc/{pid}/status", buffer), "VmHWM:"u8);
                // Needs CONFIG_PROC_CHILDREN (standard on distribution kernels).
                var childrenPath = $"/proc/{pid}/task/{pid}/children";
                var children = root ? ReadKept(ref _children, childrenPath, buffer) : Read(childrenPath, buffer);
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

    /// <summary>Closes the kept handles (the process exited).</summary>
    public void Close()
    {
        _status?.Dispose();
        _children?.Dispose();
    }

    private static ReadOnlySpan<byte> ReadKept(ref SafeFileHandle? handle, string path, byte[] buffer)
    {
        try
        {
            handle ??= File.OpenHandle(path);
            return buffer.AsSpan(0, RandomAccess.Read(handle, buffer, 0));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            // The process is gone (its handles closed at exit) or /proc is not mounted: unknown.
            handle?.Dispose();
            handle = null;
            return [];
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
