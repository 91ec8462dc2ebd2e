using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Lamina.Environments;

/// <summary>
/// The host's own writes to a sandbox's stdout file, where the agent writes the function log's START / END / REPORT
/// lines (the scheduler forwards that file to the log stream after each invoke). Used only when the agent could not
/// say the right thing itself, and only while nothing in the sandbox writes: after the host killed it, or after the
/// agent answered (it is then idle until the next invoke, which cannot start before this returns). The agent's
/// descriptor is O_APPEND (runc's stdout is opened with &gt;&gt;), so its later lines still land at the end.
/// </summary>
internal static partial class FunctionLogFile
{
    /// <summary>How far back from the end the agent's lines for the current invoke are looked for.</summary>
    private const int TailBytes = 64 << 10;

    /// <summary>
    /// Appends the lines of an invoke the host timed out, as the agent writes them: the timeout line, END, and REPORT
    /// with the timeout as Duration and Status: timeout. Lines the agent already wrote for the invoke are not repeated
    /// (it may have got as far as its own timeout line, or its REPORT, before it starved).
    /// </summary>
    public static void ReportHostTimeout(string path, string requestId, FunctionConfig function, int maxMemoryUsedMb)
    {
        var tail = Encoding.UTF8.GetString(ReadTail(path, out _));
        if (tail.Contains($"REPORT RequestId: {requestId}\t", StringComparison.Ordinal)) return;
        var lines = new StringBuilder();
        if (!tail.Contains($" {requestId} Task timed out after ", StringComparison.Ordinal))
            lines.Append(CultureInfo.InvariantCulture,
                $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {requestId} Task timed out after {function.TimeoutSeconds:F2} seconds\n");
        var durationMs = function.TimeoutSeconds * 1000.0;
        lines.Append(CultureInfo.InvariantCulture, $"END RequestId: {requestId}\n");
        lines.Append(CultureInfo.InvariantCulture,
            $"REPORT RequestId: {requestId}\tDuration: {durationMs:F2} ms\tBilled Duration: {durationMs:F0} ms\tMemory Size: {function.MemoryMb} MB\tMax Memory Used: {maxMemoryUsedMb} MB\tStatus: timeout\n");
        try
        {
            using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            file.Write(Encoding.UTF8.GetBytes(lines.ToString()));
        }
        catch (IOException)
        {
            // The log is gone with the sandbox: the answer still stands.
        }
    }

    /// <summary>
    /// Rewrites the REPORT line of <paramref name="requestId"/> (the last one in the tail) for an invoke that ended in
    /// an OOM kill: Max Memory Used becomes <paramref name="maxMemoryUsedMb"/> and Lambda's "Error Type:
    /// Runtime.OutOfMemory" is added. Nothing changes when the line is not found.
    /// </summary>
    public static void ReportOutOfMemory(string path, string requestId, int maxMemoryUsedMb)
    {
        try
        {
            var tail = ReadTail(path, out var tailStart);
            var marker = Encoding.UTF8.GetBytes($"REPORT RequestId: {requestId}\t");
            var at = tail.AsSpan().LastIndexOf(marker);
            if (at < 0) return;
            var end = tail.AsSpan(at).IndexOf((byte)'\n');
            if (end < 0) return; // not complete yet: leave it as it is
            var line = Encoding.UTF8.GetString(tail, at, end);
            var patched = MaxMemoryUsed().Replace(line, $"Max Memory Used: {maxMemoryUsedMb.ToString(CultureInfo.InvariantCulture)} MB", 1);
            if (!patched.Contains("\tError Type: ", StringComparison.Ordinal)) patched += "\tError Type: Runtime.OutOfMemory";
            using var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            file.SetLength(tailStart + at);
            file.Seek(0, SeekOrigin.End);
            file.Write(Encoding.UTF8.GetBytes(patched));
            file.Write(tail.AsSpan(at + end));
        }
        catch (IOException)
        {
        }
    }

    private static byte[] ReadTail(string path, out long start)
    {
        start = 0;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            start = Math.Max(0, file.Length - TailBytes);
            file.Seek(start, SeekOrigin.Begin);
            var buffer = new byte[file.Length - start];
            file.ReadExactly(buffer);
            return buffer;
        }
        catch (IOException)
        {
            return [];
        }
    }

    [GeneratedRegex(@"Max Memory Used: \d+ MB")]
    private static partial Regex MaxMemoryUsed();
}
