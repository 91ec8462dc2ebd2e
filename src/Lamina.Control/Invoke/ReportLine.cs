using System.Globalization;
using System.Text.Json;

namespace Lamina.Control.Invoke;

/// <summary>
/// The figures of a Lambda <c>REPORT</c> log line (tab-separated <c>Name: value ms</c> fields, as the agent and AWS
/// write it): the one parser the scheduler (telemetry from the environment's log) and the CLI (the
/// <c>X-Amz-Log-Result</c> tail) share. A function with LoggingConfig LogFormat JSON writes the same figures as a
/// <c>{"type":"platform.report","record":{"requestId":…,"metrics":{"durationMs":…,"initDurationMs":…}}}</c> line,
/// which is read too.
/// </summary>
/// <param name="DurationMs">The <c>Duration</c> field, when present and numeric.</param>
/// <param name="InitDurationMs">The <c>Init Duration</c> field: present only on a cold start.</param>
public sealed record ReportLine(double? DurationMs, double? InitDurationMs)
{
    private const string Prefix = "REPORT ";

    /// <summary>A cold start is an invocation whose REPORT line carries an Init Duration (as Lambda writes it).</summary>
    public bool ColdStart => InitDurationMs is not null;

    /// <summary>
    /// The last REPORT line in <paramref name="lines"/> (for <paramref name="requestId"/> only, when given), or null
    /// when there is none (the tail was cut off, or the invocation wrote no REPORT yet).
    /// </summary>
    public static ReportLine? FindLast(IEnumerable<string> lines, string? requestId = null)
    {
        var wanted = requestId is null ? Prefix : Prefix + "RequestId: " + requestId;
        foreach (var line in lines.Reverse())
        {
            if (line.StartsWith(wanted, StringComparison.Ordinal))
            {
                return Parse(line);
            }
            if (line.StartsWith('{') && line.Contains("\"platform.report\"", StringComparison.Ordinal) && ParseJson(line, requestId) is { } json)
            {
                return json;
            }
        }
        return null;
    }

    /// <summary>The figures of a JSON platform.report record (of <paramref name="requestId"/> when given); null when the
    /// line is not one.</summary>
    public static ReportLine? ParseJson(string line, string? requestId = null)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String
                || type.GetString() != "platform.report" || !root.TryGetProperty("record", out var record) || record.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            if (requestId is not null && !(record.TryGetProperty("requestId", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() == requestId))
            {
                return null;
            }
            if (!record.TryGetProperty("metrics", out var metrics) || metrics.ValueKind != JsonValueKind.Object)
            {
                return new ReportLine(null, null);
            }
            return new ReportLine(Number(metrics, "durationMs"), Number(metrics, "initDurationMs"));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static double? Number(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    /// <summary>The figures of one REPORT line; fields that are missing or not numbers are null.</summary>
    public static ReportLine Parse(string line)
    {
        double? duration = null, init = null;
        foreach (var field in line.Split('\t', StringSplitOptions.TrimEntries))
        {
            if (field.StartsWith("Duration: ", StringComparison.Ordinal)) duration = Milliseconds(field["Duration: ".Length..]);
            else if (field.StartsWith("Init Duration: ", StringComparison.Ordinal)) init = Milliseconds(field["Init Duration: ".Length..]);
        }
        return new ReportLine(duration, init);
    }

    private static double? Milliseconds(string text) =>
        double.TryParse(text.Replace("ms", "", StringComparison.Ordinal).Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v
            : null;
}
