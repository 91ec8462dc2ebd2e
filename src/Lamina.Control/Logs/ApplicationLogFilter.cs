using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Lamina.Control.Logs;

/// <summary>
/// Lambda's application log-level filtering (LoggingConfig ApplicationLogLevel, JSON log format only): a line
/// of the function's output is kept when its level is at least the threshold. A line's level is the top-level
/// <c>"level"</c> string of a JSON object (case-insensitive TRACE, DEBUG, INFO, WARN/WARNING, ERROR,
/// FATAL/CRITICAL); a line that is not a JSON object, has no level or an unknown one is INFO, as AWS assigns it.
/// Platform lines are never filtered here (the agent applies SystemLogLevel to them): JSON records whose
/// top-level <c>"type"</c> starts with <c>platform.</c>, and the host's text forms (START/END/REPORT/INIT_*,
/// the timeout line). Runs on the invoke path: with a threshold of INFO or lower only lines that contain
/// <c>"level"</c> are parsed at all.
/// </summary>
public sealed class ApplicationLogFilter
{
    /// <summary>Numeric levels, lowest (most detail) first.</summary>
    public const int Trace = 0, Debug = 1, Info = 2, Warn = 3, Error = 4, Fatal = 5;

    // Longer than every level name and platform record type ("platform.initRuntimeDone").
    private const int MaxValueChars = 48;

    private ApplicationLogFilter(int threshold) => Threshold = threshold;

    /// <summary>The lowest level kept.</summary>
    public int Threshold { get; }

    /// <summary>The filter for a function's LoggingConfig, or null when nothing is filtered (Text format, or TRACE).</summary>
    public static ApplicationLogFilter? For(string? logFormat, string? applicationLogLevel)
    {
        if (!string.Equals(logFormat, "JSON", StringComparison.OrdinalIgnoreCase)) return null;
        var threshold = ParseLevel(applicationLogLevel) ?? Info;
        return threshold == Trace ? null : new ApplicationLogFilter(threshold);
    }

    private static readonly (string Name, int Level)[] Names =
        [("TRACE", Trace), ("DEBUG", Debug), ("INFO", Info), ("WARN", Warn), ("WARNING", Warn), ("ERROR", Error), ("FATAL", Fatal), ("CRITICAL", Fatal)];

    /// <summary>The numeric level of a name (any case), or null when it is not one.</summary>
    public static int? ParseLevel(string? name) => name is null ? null : ParseLevel(name.AsSpan());

    /// <inheritdoc cref="ParseLevel(string?)"/>
    public static int? ParseLevel(ReadOnlySpan<char> name)
    {
        foreach (var (known, level) in Names)
        {
            if (name.Equals(known, StringComparison.OrdinalIgnoreCase)) return level;
        }
        return null;
    }

    /// <summary>Removes the lines below the threshold, in place, keeping the order of the rest.</summary>
    public void Apply(List<string> lines) => lines.RemoveAll(l => !Keep(l));

    /// <summary>True when <paramref name="line"/> is kept.</summary>
    public bool Keep(string line)
    {
        if (!line.StartsWith('{'))
        {
            return Threshold <= Info || IsPlatformText(line);
        }
        if (Threshold <= Info && !line.Contains("\"level\"", StringComparison.Ordinal)) return true;
        var (level, platform) = Classify(line);
        return platform || level >= Threshold;
    }

    private static bool IsPlatformText(string line) =>
        line.StartsWith("START RequestId: ", StringComparison.Ordinal)
        || line.StartsWith("END RequestId: ", StringComparison.Ordinal)
        || line.StartsWith("REPORT RequestId: ", StringComparison.Ordinal)
        || line.StartsWith("INIT_", StringComparison.Ordinal)
        || line.Contains(" Task timed out after ", StringComparison.Ordinal);

    /// <summary>The level of a line that starts with '{' and whether it is a platform record.</summary>
    internal static (int Level, bool Platform) Classify(string line)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(line.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(line, buffer);
            var reader = new Utf8JsonReader(buffer.AsSpan(0, length), new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return (Info, false);
            int? level = null;
            var platform = false;
            // Values are copied to the stack, not to strings: this runs for every JSON line of a filtered function.
            Span<char> value = stackalloc char[MaxValueChars];
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isLevel = level is null && reader.ValueTextEquals("level"u8);
                var isType = !platform && reader.ValueTextEquals("type"u8);
                reader.Read();
                if (reader.TokenType == JsonTokenType.String && (isLevel || isType))
                {
                    var copied = reader.ValueSpan.Length <= MaxValueChars ? reader.CopyString(value) : -1;
                    if (isLevel) level = (copied < 0 ? null : ParseLevel(value[..copied])) ?? Info;
                    else platform = copied >= 0 && value[..copied].StartsWith("platform.", StringComparison.Ordinal);
                }
                else
                {
                    reader.Skip();
                }
            }
            // The line must be one whole JSON object: anything after it makes it a plain line (INFO).
            return reader.TokenType != JsonTokenType.EndObject || reader.Read() ? (Info, false) : (level ?? Info, platform);
        }
        catch (JsonException)
        {
            return (Info, false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
