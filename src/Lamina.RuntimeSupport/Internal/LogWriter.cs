using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Lamina.RuntimeSupport.Internal;

/// <summary>
/// Writes log records to stdout, one record per line, tagged with the request in flight.
/// Text (default): <c>2026-01-02T03:04:05.678Z\t&lt;request-id&gt;\tinfo\tmessage</c>, newlines in the
/// message turned into carriage returns so a record stays one line (as AWS's runtimes do).
/// AWS_LAMBDA_LOG_FORMAT=JSON: <c>{"timestamp","level","requestId","message"}</c>.
/// AWS_LAMBDA_LOG_LEVEL (TRACE, DEBUG, INFO, WARN, ERROR, FATAL) drops records below it.
/// One lock and one reused buffer: a record is one write(2), so concurrent writers never interleave.
/// </summary>
internal sealed class LogWriter : ILambdaLogger
{
    private readonly Stream _output;
    private readonly Lock _lock = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly TimeProvider _clock;
    private volatile string? _requestId;

    public LogWriter(Stream output, bool json, LogLevel minimum, TimeProvider clock)
    {
        _output = output;
        Json = json;
        Minimum = minimum;
        _clock = clock;
    }

    public bool Json { get; }

    public LogLevel Minimum { get; }

    /// <summary>The request in flight (null between invocations and during init).</summary>
    public string? RequestId { get => _requestId; set => _requestId = value; }

    /// <summary>The writer configured from AWS_LAMBDA_LOG_FORMAT and AWS_LAMBDA_LOG_LEVEL, on this process's stdout.</summary>
    public static LogWriter FromEnvironment(Stream output, TimeProvider clock) => new(
        output,
        string.Equals(Environment.GetEnvironmentVariable("AWS_LAMBDA_LOG_FORMAT"), "JSON", StringComparison.OrdinalIgnoreCase),
        ParseLevel(Environment.GetEnvironmentVariable("AWS_LAMBDA_LOG_LEVEL")),
        clock);

    /// <summary>Lambda's level names (TRACE…FATAL); anything else means no filtering.</summary>
    public static LogLevel ParseLevel(string? name) => name?.ToUpperInvariant() switch
    {
        "DEBUG" => LogLevel.Debug,
        "INFO" => LogLevel.Information,
        "WARN" => LogLevel.Warning,
        "ERROR" => LogLevel.Error,
        "FATAL" => LogLevel.Critical,
        _ => LogLevel.Trace,
    };

    public void Log(string message) => Log(LogLevel.Information, message);

    public void LogLine(string message) => Log(LogLevel.Information, message);

    public void Log(LogLevel level, string message) => Write(level, message.AsSpan());

    /// <summary>Writes one record (the message without its line terminator).</summary>
    public void Write(LogLevel level, ReadOnlySpan<char> message)
    {
        if (level < Minimum) return;
        lock (_lock)
        {
            _buffer.ResetWrittenCount();
            var now = _clock.GetUtcNow().UtcDateTime;
            if (Json) WriteJson(level, message, now);
            else WriteText(level, message, now);
            _output.Write(_buffer.WrittenSpan);
            _output.Flush();
        }
    }

    private void WriteText(LogLevel level, ReadOnlySpan<char> message, DateTime now)
    {
        var head = _buffer.GetSpan(64);
        now.TryFormat(head, out var n, "yyyy-MM-ddTHH:mm:ss.fffZ");
        head[n++] = (byte)'\t';
        _buffer.Advance(n);
        Utf8(RequestId);
        Utf8("\t");
        Utf8(ShortName(level));
        Utf8("\t");
        // UTF-8 never has 0x0A inside a multi-byte sequence, so the bytes can be rewritten in place.
        var span = _buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(message.Length));
        var length = Encoding.UTF8.GetBytes(message, span);
        span[..length].Replace((byte)'\n', (byte)'\r');
        _buffer.Advance(length);
        Utf8("\n");
    }

    private void WriteJson(LogLevel level, ReadOnlySpan<char> message, DateTime now)
    {
        using (var json = new Utf8JsonWriter(_buffer, ErrorJson.Relaxed))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", now.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("level", level.ToString());
            if (RequestId is { } id) json.WriteString("requestId", id);
            json.WriteString("message", message);
            json.WriteEndObject();
        }
        Utf8("\n");
    }

    private void Utf8(ReadOnlySpan<char> text)
    {
        var span = _buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        _buffer.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    private static string ShortName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        _ => "crit",
    };
}
