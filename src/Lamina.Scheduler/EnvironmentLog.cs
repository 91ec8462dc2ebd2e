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
        var (stdout, outNext) = Read(env.Environment.Sandbox.StdoutPath, env.StdoutOffset);
        var (stderr, errNext) = Read(env.Environment.Sandbox.StderrPath, env.StderrOffset);
        env.StdoutOffset = outNext;
        env.StderrOffset = errNext;
        var end = stdout.FindIndex(l => l.StartsWith("END RequestId:", StringComparison.Ordinal));
        if (end < 0) end = stdout.Count;
        stdout.InsertRange(end, stderr);
        return stdout;
    }

    private static (List<string> Lines, long Next) Read(string path, long offset)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var length = file.Length;
            if (length <= offset) return ([], Math.Min(offset, length));
            if (length - offset > MaxReadBytes) offset = length - MaxReadBytes;
            file.Seek(offset, SeekOrigin.Begin);
            var buffer = new byte[length - offset];
            file.ReadExactly(buffer);
            var lastNewline = Array.LastIndexOf(buffer, (byte)'\n');
            if (lastNewline < 0) return ([], offset);
            var text = Encoding.UTF8.GetString(buffer, 0, lastNewline);
            return ([.. text.Split('\n').Select(l => l.TrimEnd('\r'))], offset + lastNewline + 1);
        }
        catch (IOException)
        {
            return ([], offset);
        }
    }
}
