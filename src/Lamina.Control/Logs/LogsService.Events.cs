using System.Globalization;
using System.Text.Json.Nodes;

namespace Lamina.Control.Logs;

/// <summary>PutLogEvents, GetLogEvents and FilterLogEvents.</summary>
public sealed partial class LogsService
{
    private const int MaxEventsPerPut = 10_000;
    private const int MaxPutBytes = 1_048_576;
    private static readonly TimeSpan TooOld = TimeSpan.FromDays(14);
    private static readonly TimeSpan TooNew = TimeSpan.FromHours(2);

    private async Task<LogsResult<JsonObject>> PutLogEventsAsync(LogsInput input, CancellationToken ct)
    {
        var (group, stream) = (input.String("logGroupName"), input.String("logStreamName"));
        var raw = input.Array("logEvents");
        if ((input.Error ?? Invalid(LogGroups.ValidateGroupName(group)) ?? Invalid(LogGroups.ValidateStreamName(stream))) is { } e) return e;
        if (raw is null || raw.Count is 0 or > MaxEventsPerPut)
            return LogsError.Invalid($"1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must have length between 1 and {MaxEventsPerPut}");
        var events = new List<NewLogEvent>(raw.Count);
        long bytes = 0;
        foreach (var node in raw)
        {
            var item = node is JsonObject o ? new LogsInput(o) : null;
            var (ts, message) = (item?.Long("timestamp"), item?.String("message"));
            if (item is null || item.Error is not null || ts is null || message is null)
                return LogsError.Invalid("Each log event needs a numeric timestamp and a string message.");
            if (message.Length == 0) return LogsError.Invalid("Log event messages must not be empty.");
            bytes += System.Text.Encoding.UTF8.GetByteCount(message) + 26;
            events.Add(new NewLogEvent(ts.Value, message));
        }
        if (bytes > MaxPutBytes) return LogsError.Invalid($"The batch of log events is {bytes} bytes; the maximum is {MaxPutBytes}.");
        for (var i = 1; i < events.Count; i++)
        {
            if (events[i].Timestamp < events[i - 1].Timestamp)
                return LogsError.Invalid("Log events in a single PutLogEvents request must be in chronological order.");
        }

        // Events older than 14 days or more than 2 hours ahead are refused by index, as AWS reports them.
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var oldEnd = events.FindLastIndex(x => x.Timestamp < now - (long)TooOld.TotalMilliseconds);
        var newStart = events.FindIndex(x => x.Timestamp > now + (long)TooNew.TotalMilliseconds);
        var accepted = events.Where((x, i) => i > oldEnd && (newStart < 0 || i < newStart)).ToList();
        var error = await store.AppendAsync([(group!, stream!, accepted)], createMissing: false, ct);
        if (error is not null) return error;
        var output = new JsonObject { ["nextSequenceToken"] = "1" };
        if (oldEnd >= 0 || newStart >= 0)
        {
            var rejected = new JsonObject();
            if (oldEnd >= 0) rejected["tooOldLogEventEndIndex"] = oldEnd + 1;
            if (newStart >= 0) rejected["tooNewLogEventStartIndex"] = newStart;
            output["rejectedLogEventsInfo"] = rejected;
        }
        return output;
    }

    private LogsResult<JsonObject> GetLogEvents(LogsInput input)
    {
        var group = input.Group();
        var stream = input.String("logStreamName");
        var (start, end, fromHead, token) = (input.Long("startTime"), input.Long("endTime"), input.Bool("startFromHead") ?? false, input.String("nextToken"));
        var limit = Limit(input, 10_000);
        if ((input.Error ?? limit.Error ?? Invalid(LogGroups.ValidateGroupName(group)) ?? Invalid(LogGroups.ValidateStreamName(stream))) is { } e) return e;
        var (forward, backward) = (LogPosition.Parse(token, 'f'), LogPosition.Parse(token, 'b'));
        if (token is not null && forward is null && backward is null) return InvalidToken;
        var page = store.StreamEvents(group!, stream!, start, end, forward, backward, fromHead, limit.Value);
        if (page.Error is { } notFound) return notFound;
        var p = page.Value!;
        return new JsonObject
        {
            ["events"] = new JsonArray(p.Events.Select(x => (JsonNode)new JsonObject
            {
                ["timestamp"] = x.Timestamp,
                ["message"] = x.Message,
                ["ingestionTime"] = x.IngestionTime,
            }).ToArray()),
            ["nextForwardToken"] = p.Next!.Value.ToToken('f'),
            ["nextBackwardToken"] = p.Previous!.Value.ToToken('b'),
        };
    }

    private LogsResult<JsonObject> FilterLogEvents(LogsInput input)
    {
        var group = input.Group();
        var names = input.Array("logStreamNames");
        var prefix = input.String("logStreamNamePrefix");
        var (start, end, token) = (input.Long("startTime"), input.Long("endTime"), input.String("nextToken"));
        var patternText = input.String("filterPattern");
        var limit = Limit(input, 10_000);
        if ((input.Error ?? limit.Error ?? Invalid(LogGroups.ValidateGroupName(group))) is { } e) return e;
        if (names is not null && prefix is not null)
            return LogsError.Invalid("logStreamNames and logStreamNamePrefix are mutually exclusive parameters.");
        var streams = names?.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).ToList();
        if (streams is not null && (streams.Count is 0 or > 100 || streams.Any(s => s is null)))
            return LogsError.Invalid("logStreamNames must hold 1 to 100 stream names.");
        var (pattern, patternError) = FilterPattern.Parse(patternText);
        if (patternError is not null) return LogsError.Invalid(patternError);
        var after = LogPosition.Parse(token, 'n');
        if (token is not null && after is null) return InvalidToken;
        var page = store.FilterEvents(group!, streams!, prefix, start, end, pattern!, after, limit.Value);
        if (page.Error is { } notFound) return notFound;
        var p = page.Value!;
        var output = new JsonObject
        {
            ["events"] = new JsonArray(p.Events.Select(x => (JsonNode)new JsonObject
            {
                ["logStreamName"] = x.StreamName,
                ["timestamp"] = x.Timestamp,
                ["message"] = x.Message,
                ["ingestionTime"] = x.IngestionTime,
                ["eventId"] = x.Id.ToString("D20", CultureInfo.InvariantCulture),
            }).ToArray()),
            ["searchedLogStreams"] = new JsonArray(),
        };
        if (p.Next is { } next) output["nextToken"] = next.ToToken('n');
        return output;
    }
}
