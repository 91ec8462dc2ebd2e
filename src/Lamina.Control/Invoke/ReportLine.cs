using System.Globalization;

namespace Lamina.Control.Invoke;

/// <summary>
/// The figures of a Lambda <c>REPORT</c> log line (tab-separated <c>Name: value ms</c> fields, as the agent and AWS
/// write it): the one parser the scheduler (telemetry from the environment's log) and the CLI (the
/// <c>X-Amz-Log-Result</c> tail) share.
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
        var line = lines.LastOrDefault(l => l.StartsWith(wanted, StringComparison.Ordinal));
        return line is null ? null : Parse(line);
    }

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
