using System.Globalization;

namespace Lamina.Cli.Commands;

/// <summary>What an invocation's REPORT log line says: its duration and, on a cold start, the Init Duration.</summary>
internal sealed record InvokeReport(double? DurationMs, double? InitDurationMs)
{
    /// <summary>A cold start is an invocation whose REPORT line carries an Init Duration (as Lambda writes it).</summary>
    public bool ColdStart => InitDurationMs is not null;

    /// <summary>The last REPORT line of <paramref name="logTail"/>, or null when the tail has none (cut off or empty).</summary>
    public static InvokeReport? Parse(string? logTail)
    {
        var line = logTail?.Split('\n').LastOrDefault(l => l.StartsWith("REPORT ", StringComparison.Ordinal));
        if (line is null) return null;
        double? duration = null, init = null;
        foreach (var field in line.Split('\t', StringSplitOptions.TrimEntries))
        {
            if (field.StartsWith("Duration: ", StringComparison.Ordinal)) duration = Number(field["Duration: ".Length..]);
            else if (field.StartsWith("Init Duration: ", StringComparison.Ordinal)) init = Number(field["Init Duration: ".Length..]);
        }
        return new InvokeReport(duration, init);
    }

    private static double? Number(string text) =>
        double.TryParse(text.Replace("ms", "", StringComparison.Ordinal).Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
}
