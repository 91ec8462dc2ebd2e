using System.Globalization;
using System.Text;

namespace Lamina.Agent.Emulator;

/// <summary>
/// The platform's lines in the function log (START, END, REPORT, timeouts), written to the same
/// stdout the runtime inherits, in AWS's exact format:
/// <c>REPORT RequestId: id\tDuration: 1.23 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 20 MB\tInit Duration: 5.67 ms</c>
/// </summary>
internal sealed class PlatformLog(Stream stdout, Stream? stderr = null)
{
    private readonly Lock _lock = new();
    private readonly Lock _stderrLock = new();

    /// <summary>Bytes a runtime or extension wrote to its stdout, passed on unchanged (never inside a platform line).</summary>
    public void ForwardStdout(ReadOnlySpan<byte> bytes)
    {
        lock (_lock)
        {
            WriteQuietly(stdout, bytes);
        }
    }

    /// <summary>Bytes a runtime or extension wrote to its stderr, passed on unchanged.</summary>
    public void ForwardStderr(ReadOnlySpan<byte> bytes)
    {
        lock (_stderrLock)
        {
            WriteQuietly(stderr ?? stdout, bytes);
        }
    }

    public void Start(string requestId, string version) => Write($"START RequestId: {requestId} Version: {version}\n");

    /// <summary>The END and REPORT lines, in one write; <paramref name="initMs"/> only on a cold start,
    /// <paramref name="status"/> only when not a success.</summary>
    public void EndAndReport(string requestId, double durationMs, int memorySizeMb, int maxMemoryUsedMb, double? initMs, string? status)
    {
        var line = new StringBuilder(256);
        line.Append("END RequestId: ").Append(requestId).Append('\n');
        line.Append(CultureInfo.InvariantCulture, $"REPORT RequestId: {requestId}\tDuration: {durationMs:F2} ms\tBilled Duration: {Math.Max(1, (long)Math.Ceiling(durationMs))} ms");
        line.Append(CultureInfo.InvariantCulture, $"\tMemory Size: {memorySizeMb} MB\tMax Memory Used: {maxMemoryUsedMb} MB");
        if (initMs is { } init)
        {
            line.Append(CultureInfo.InvariantCulture, $"\tInit Duration: {init:F2} ms");
        }
        if (status is not null)
        {
            line.Append("\tStatus: ").Append(status);
        }
        Write(line.Append('\n').ToString());
    }

    /// <summary>The line Lambda writes when an invocation times out.</summary>
    public void TimedOut(string requestId, int timeoutSeconds) =>
        Write(string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {requestId} Task timed out after {timeoutSeconds:F2} seconds\n"));

    /// <summary>An INIT_REPORT line for an init phase that did not finish (with Lambda's Error Type field when known).</summary>
    public void InitReport(double initMs, string status, string? errorType = null) =>
        Write(string.Create(CultureInfo.InvariantCulture,
            $"INIT_REPORT Init Duration: {initMs:F2} ms\tPhase: init\tStatus: {status}{(errorType is null ? "" : "\tError Type: " + errorType)}\n"));

    private void Write(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        lock (_lock)
        {
            WriteQuietly(stdout, bytes);
        }
    }

    private static void WriteQuietly(Stream stream, ReadOnlySpan<byte> bytes)
    {
        try
        {
            stream.Write(bytes);
            stream.Flush();
        }
        catch (IOException)
        {
            // Nobody reads our stdout any more; the invoke itself must not fail for that.
        }
    }
}
