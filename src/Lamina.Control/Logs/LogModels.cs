namespace Lamina.Control.Logs;

/// <summary>A log group as DescribeLogGroups reports it (times in Unix ms).</summary>
public sealed record LogGroupInfo(string Name, long CreationTime, int? RetentionInDays, long StoredBytes);

/// <summary>A log stream as DescribeLogStreams reports it (times in Unix ms).</summary>
public sealed record LogStreamInfo(string Name, long CreationTime, long? FirstEventTimestamp, long? LastEventTimestamp, long? LastIngestionTime, long StoredBytes);

/// <summary>One stored event; <see cref="Id"/> is its arrival order (the eventId and paging key).</summary>
public sealed record StoredLogEvent(long Id, string StreamName, long Timestamp, long IngestionTime, string Message);

/// <summary>An event to store: Unix ms timestamp and message.</summary>
public readonly record struct NewLogEvent(long Timestamp, string Message);

/// <summary>One page of events and where the next page starts (null when the scan reached the end).</summary>
public sealed record LogEventPage(IReadOnlyList<StoredLogEvent> Events, LogPosition? Next, LogPosition? Previous);

/// <summary>A position between events in (timestamp, id) order; tokens carry it.</summary>
public readonly record struct LogPosition(long Timestamp, long Id)
{
    /// <summary>Token form: <c>{prefix}/{timestamp}/{id}</c> (f = forward, b = backward, n = filter).</summary>
    public string ToToken(char prefix) => $"{prefix}/{Timestamp:D}/{Id:D}";

    /// <summary>Parses a token written by <see cref="ToToken"/> with the same prefix; null when malformed.</summary>
    public static LogPosition? Parse(string? token, char prefix)
    {
        if (token is null) return null;
        var parts = token.Split('/');
        return parts.Length == 3 && parts[0].Length == 1 && parts[0][0] == prefix
            && long.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ts)
            && long.TryParse(parts[2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
            ? new LogPosition(ts, id)
            : null;
    }
}
