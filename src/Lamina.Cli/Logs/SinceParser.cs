using System.Globalization;

namespace Lamina.Cli.Logs;

/// <summary>Parses <c>--since</c>: a relative age (<c>30s</c>, <c>10m</c>, <c>2h</c>, <c>1d</c>, <c>1w</c>) or an ISO 8601 time.</summary>
internal static class SinceParser
{
    /// <summary>The start time in Unix milliseconds, or a usage error naming the accepted forms.</summary>
    public static long Parse(string text, DateTimeOffset now)
    {
        var t = text.Trim();
        if (t.Length >= 2 && long.TryParse(t[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            TimeSpan? age = t[^1] switch
            {
                's' => TimeSpan.FromSeconds(n),
                'm' => TimeSpan.FromMinutes(n),
                'h' => TimeSpan.FromHours(n),
                'd' => TimeSpan.FromDays(n),
                'w' => TimeSpan.FromDays(7 * n),
                _ => null,
            };
            if (age is { } a) return (now - a).ToUnixTimeMilliseconds();
        }
        if (DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)) return at.ToUnixTimeMilliseconds();
        throw CliException.Usage($"--since {text}: give an age like 30s, 10m, 2h, 1d, 1w or a time like 2026-01-31T12:00:00Z.");
    }
}
