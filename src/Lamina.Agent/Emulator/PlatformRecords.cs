using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Lamina.Agent.Emulator;

/// <summary>
/// The platform events as AWS's JSON records <c>{"time","type","record"}</c>: rendered once here for both the
/// Telemetry API (schema 2022-07-01) and the JSON log format (LoggingConfig LogFormat JSON), which share them.
/// </summary>
internal static class PlatformRecords
{
    public static Action<Utf8JsonWriter> InitStart(string functionName, string functionVersion) => w =>
    {
        w.WriteString("initializationType", "on-demand");
        w.WriteString("phase", "init");
        w.WriteString("functionName", functionName);
        w.WriteString("functionVersion", functionVersion);
    };

    public static Action<Utf8JsonWriter> InitRuntimeDone(string status, string? errorType) => w =>
    {
        w.WriteString("initializationType", "on-demand");
        w.WriteString("phase", "init");
        w.WriteString("status", status);
        if (errorType is not null)
        {
            w.WriteString("errorType", errorType);
        }
    };

    public static Action<Utf8JsonWriter> InitReport(string status, double durationMs, string? errorType) => w =>
    {
        InitRuntimeDone(status, errorType)(w);
        w.WriteStartObject("metrics");
        w.WriteNumber("durationMs", Math.Round(durationMs, 3));
        w.WriteEndObject();
    };

    public static Action<Utf8JsonWriter> Start(string requestId, string version) => w =>
    {
        w.WriteString("requestId", requestId);
        w.WriteString("version", version);
    };

    public static Action<Utf8JsonWriter> RuntimeDone(string requestId, string status, double durationMs) => w =>
    {
        w.WriteString("requestId", requestId);
        w.WriteString("status", status);
        w.WriteStartObject("metrics");
        w.WriteNumber("durationMs", Math.Round(durationMs, 3));
        w.WriteEndObject();
    };

    /// <summary>platform.report; <paramref name="status"/> null for the Logs API's older shape (no status).</summary>
    public static Action<Utf8JsonWriter> Report(string requestId, string? status, double durationMs, int memorySizeMb, int maxMemoryUsedMb, double? initMs) => w =>
    {
        w.WriteString("requestId", requestId);
        if (status is not null)
        {
            w.WriteString("status", status);
        }
        w.WriteStartObject("metrics");
        w.WriteNumber("durationMs", Math.Round(durationMs, 3));
        w.WriteNumber("billedDurationMs", Math.Max(1, (long)Math.Ceiling(durationMs)));
        w.WriteNumber("memorySizeMB", memorySizeMb);
        w.WriteNumber("maxMemoryUsedMB", maxMemoryUsedMb);
        if (initMs is { } init)
        {
            w.WriteNumber("initDurationMs", Math.Round(init, 3));
        }
        w.WriteEndObject();
    };

    /// <summary>platform.extension: one registered extension at the end of init (name, state, the events it registered for).</summary>
    public static Action<Utf8JsonWriter> Extension(string name, string state, IEnumerable<string> events) => w =>
    {
        w.WriteString("name", name);
        w.WriteString("state", state);
        w.WriteStartArray("events");
        foreach (var e in events)
        {
            w.WriteStringValue(e);
        }
        w.WriteEndArray();
    };

    /// <summary>The time field: UTC, milliseconds, as AWS writes it.</summary>
    public static string Now() => DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    /// <summary>A record whose body is an object.</summary>
    public static byte[] Render(string time, string type, Action<Utf8JsonWriter> record) => Envelope(time, type, w =>
    {
        w.WriteStartObject("record");
        record(w);
        w.WriteEndObject();
    });

    /// <summary>A record whose body is a string (function and extension lines, platform.fault).</summary>
    public static byte[] Render(string time, string type, string text) => Envelope(time, type, w => w.WriteString("record", text));

    private static byte[] Envelope(string time, string type, Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("time", time);
            writer.WriteString("type", type);
            body(writer);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
