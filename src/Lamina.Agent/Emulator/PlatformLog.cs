using System.Globalization;
using System.Text;
using System.Text.Unicode;
using System.Text.Json;

namespace Lamina.Agent.Emulator;

/// <summary>
/// The platform's lines in the function log (START, END, REPORT, timeouts), written to the same stdout the
/// runtime's output goes to, in AWS's exact format:
/// <c>REPORT RequestId: id\tDuration: 1.23 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 20 MB\tInit Duration: 5.67 ms</c>
/// <para>
/// With the JSON log format (AWS_LAMBDA_LOG_FORMAT=JSON, from LoggingConfig) the same events are written as
/// AWS's JSON records — <c>{"time":…,"type":"platform.start","record":{…}}</c> — one per line, filtered by
/// the system log level (LAMINA_SYSTEM_LOG_LEVEL): DEBUG adds platform.initRuntimeDone, a successful
/// platform.initReport, platform.runtimeDone and platform.extension to INFO's platform.initStart,
/// platform.start and platform.report; WARN keeps only failures (platform.initReport of a failed init,
/// platform.fault for a timeout or a crash). The runtime's own lines pass through untouched either way: the
/// runtime interface client formats them (it reads AWS_LAMBDA_LOG_FORMAT too).
/// </para>
/// </summary>
internal sealed class PlatformLog(OutputPoller poller, bool json = false, int systemLevel = PlatformLog.Info)
{
    public const int Debug = 0;
    public const int Info = 1;
    public const int Warn = 2;

    /// <summary>Where the runtime's and extensions' pipes are read and the log is written.</summary>
    public OutputPoller Poller => poller;

    /// <summary>True when platform events are written as JSON records.</summary>
    public bool Json => json;

    /// <summary>DEBUG, INFO or WARN (any case) → the level; null otherwise.</summary>
    public static int? ParseLevel(string value) => value.ToUpperInvariant() switch
    {
        "DEBUG" => Debug,
        "INFO" => Info,
        "WARN" => Warn,
        _ => null,
    };

    public void Start(string requestId, string version)
    {
        if (json)
        {
            Record(Info, "platform.start", PlatformRecords.Start(requestId, version));
            return;
        }
        // Formatted straight to UTF-8 on the stack: no string per invoke on the warm path.
        var bound = 64 + (requestId.Length + version.Length) * 3;
        var buffer = bound <= StackLimit ? stackalloc byte[StackLimit] : new byte[bound];
        Utf8.TryWrite(buffer, CultureInfo.InvariantCulture, $"START RequestId: {requestId} Version: {version}\n", out var length);
        WriteBytes(buffer[..length]);
    }

    private const int StackLimit = 1536;

    /// <summary>The END and REPORT lines, in one write; <paramref name="initMs"/> only on a cold start,
    /// <paramref name="status"/> only when not a success. <paramref name="recordStatus"/> is the JSON records' status
    /// (success, error, timeout).</summary>
    public void EndAndReport(string requestId, double durationMs, int memorySizeMb, int maxMemoryUsedMb, double? initMs, string? status, string recordStatus)
    {
        if (json)
        {
            var time = PlatformRecords.Now();
            var lines = new List<byte[]>(2);
            if (systemLevel <= Debug)
            {
                lines.Add(PlatformRecords.Render(time, "platform.runtimeDone", PlatformRecords.RuntimeDone(requestId, recordStatus, durationMs)));
            }
            if (systemLevel <= Info)
            {
                lines.Add(PlatformRecords.Render(time, "platform.report",
                    PlatformRecords.Report(requestId, recordStatus, durationMs, memorySizeMb, maxMemoryUsedMb, initMs)));
            }
            WriteLines(lines);
            return;
        }
        // ~200 bytes of text and integers, two doubles in F2 (at most 313 characters each), the id twice and the
        // status (3 bytes a char at worst): on the stack for any id up to ~100 characters.
        var bound = 830 + (requestId.Length * 2 + (status?.Length ?? 0)) * 3;
        var buffer = bound <= StackLimit ? stackalloc byte[StackLimit] : new byte[bound];
        var provider = CultureInfo.InvariantCulture;
        Utf8.TryWrite(buffer, provider, $"END RequestId: {requestId}\nREPORT RequestId: {requestId}\tDuration: {durationMs:F2} ms\tBilled Duration: {Math.Max(1, (long)Math.Ceiling(durationMs))} ms\tMemory Size: {memorySizeMb} MB\tMax Memory Used: {maxMemoryUsedMb} MB", out var length);
        if (initMs is { } init)
        {
            Utf8.TryWrite(buffer[length..], provider, $"\tInit Duration: {init:F2} ms", out var n);
            length += n;
        }
        if (status is not null)
        {
            Utf8.TryWrite(buffer[length..], provider, $"\tStatus: {status}", out var n);
            length += n;
        }
        buffer[length++] = (byte)'\n';
        WriteBytes(buffer[..length]);
    }

    /// <summary>The line Lambda writes when an invocation times out (JSON: a platform.fault record with AWS's text).</summary>
    public void TimedOut(string requestId, int timeoutSeconds)
    {
        if (json)
        {
            Fault(string.Create(CultureInfo.InvariantCulture, $"RequestId: {requestId} Error: Task timed out after {timeoutSeconds:F2} seconds"));
            return;
        }
        Write(string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {requestId} Task timed out after {timeoutSeconds:F2} seconds\n"));
    }

    /// <summary>A platform.fault record (JSON format only: the Text format has no line for it, as before).</summary>
    public void Fault(string text)
    {
        if (json && systemLevel <= Warn)
        {
            WriteLines([PlatformRecords.Render(PlatformRecords.Now(), "platform.fault", text)]);
        }
    }

    /// <summary>An INIT_REPORT line for an init phase that did not finish (with Lambda's Error Type field when known).</summary>
    public void InitReport(double initMs, string status, string? errorType = null)
    {
        if (json)
        {
            Record(Warn, "platform.initReport", PlatformRecords.InitReport(status, initMs, errorType));
            return;
        }
        Write(string.Create(CultureInfo.InvariantCulture,
            $"INIT_REPORT Init Duration: {initMs:F2} ms\tPhase: init\tStatus: {status}{(errorType is null ? "" : "\tError Type: " + errorType)}\n"));
    }

    /// <summary>platform.initStart (JSON format only).</summary>
    public void InitStart(string functionName, string functionVersion)
    {
        if (json)
        {
            Record(Info, "platform.initStart", PlatformRecords.InitStart(functionName, functionVersion));
        }
    }

    /// <summary>platform.initRuntimeDone and platform.initReport of a successful init (JSON format, DEBUG).</summary>
    public void InitDone(double initMs)
    {
        if (json && systemLevel <= Debug)
        {
            var time = PlatformRecords.Now();
            WriteLines([
                PlatformRecords.Render(time, "platform.initRuntimeDone", PlatformRecords.InitRuntimeDone("success", null)),
                PlatformRecords.Render(time, "platform.initReport", PlatformRecords.InitReport("success", initMs, null)),
            ]);
        }
    }

    /// <summary>platform.extension (JSON format, DEBUG).</summary>
    public void Extension(string name, string state, IReadOnlyList<string> events) => Record(Debug, "platform.extension", PlatformRecords.Extension(name, state, events));

    private void Record(int level, string type, Action<Utf8JsonWriter> record)
    {
        if (json && systemLevel <= level)
        {
            WriteLines([PlatformRecords.Render(PlatformRecords.Now(), type, record)]);
        }
    }

    private void WriteLines(List<byte[]> lines)
    {
        if (lines.Count == 0)
        {
            return;
        }
        var total = lines.Sum(l => l.Length + 1);
        var bytes = new byte[total];
        var at = 0;
        foreach (var line in lines)
        {
            line.CopyTo(bytes, at);
            at += line.Length;
            bytes[at++] = (byte)'\n';
        }
        WriteBytes(bytes);
    }

    private void Write(string line) => WriteBytes(Encoding.UTF8.GetBytes(line));

    private void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        lock (poller.Lock)
        {
            poller.WriteLocked(poller.Stdout, bytes);
        }
    }
}
