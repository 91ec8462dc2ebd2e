using System.Buffers;
using System.Text;

namespace Lamina.Scheduler;

/// <summary>
/// Reads what an environment logged since the last read: the sandbox's stdout (the agent's START / END /
/// REPORT lines and the runtime's stdout) and stderr (the runtime's stderr, the agent's own lines). Only
/// whole lines are consumed; a partial last line waits for the next read. The two files carry no common
/// clock, so stderr lines are placed before the END line of the stdout part, where a runtime's output
/// belongs in Lambda's log.
/// </summary>
internal static class EnvironmentLog
{
    /// <summary>Largest amount read per file per invoke; the rest is skipped (a runaway logger must not stall invokes).</summary>
    private const int MaxReadBytes = 1 << 20;

    public static List<string> ReadNewLines(PooledEnvironment env)
    {
        var (stdout, outNext) = Read(env.StdoutLog, env.Environment.Sandbox.StdoutPath, env.StdoutOffset);
        var (stderr, errNext) = Read(env.StderrLog, env.Environment.Sandbox.StderrPath, env.StderrOffset);
        env.StdoutOffset = outNext;
        env.StderrOffset = errNext;
        if (stderr.Count == 0) return stdout;
        var end = stdout.FindIndex(l => l.StartsWith("END RequestId:", StringComparison.Ordinal));
        if (end < 0) end = stdout.Count;
        stdout.InsertRange(end, stderr);
        return stdout;
    }

    private static (List<string> Lines, long Next) Read(LogFileHandle log, string path, long offset)
    {
        try
        {
            // The file stays open with its environment (both are append-only, one inode for the sandbox's life):
            // an invoke costs a size query and one positioned read per file, no open or close.
            var handle = log.Open(path);
            if (handle is null) return ([], offset);
            var length = RandomAccess.GetLength(handle);
            if (length <= offset) return ([], Math.Min(offset, length));
            if (length - offset > MaxReadBytes) offset = length - MaxReadBytes;
            var count = (int)(length - offset);
            var buffer = ArrayPool<byte>.Shared.Rent(count);
            try
            {
                var read = 0;
                while (read < count)
                {
                    var n = RandomAccess.Read(handle, buffer.AsSpan(read, count - read), offset + read);
                    if (n == 0) break;
                    read += n;
                }
                var lastNewline = buffer.AsSpan(0, read).LastIndexOf((byte)'\n');
                if (lastNewline < 0) return ([], offset);
                var text = Encoding.UTF8.GetString(buffer, 0, lastNewline);
                var lines = new List<string>();
                foreach (var range in text.AsSpan().Split('\n'))
                    lines.Add(text.AsSpan(range).TrimEnd('\r').ToString());
                return (lines, offset + lastNewline + 1);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or UnauthorizedAccessException)
        {
            return ([], offset);
        }
    }
}
