using System.Globalization;
using System.Text.Json.Nodes;

namespace Lamina.Control.Logs;

/// <summary>Log streams.</summary>
public sealed partial class LogsService
{
    private async Task<LogsResult<JsonObject>> CreateLogStreamAsync(LogsInput input, CancellationToken ct)
    {
        var (group, stream) = (input.String("logGroupName"), input.String("logStreamName"));
        if ((input.Error ?? Invalid(LogGroups.ValidateGroupName(group)) ?? Invalid(LogGroups.ValidateStreamName(stream))) is { } e) return e;
        return Done(await store.CreateStreamAsync(group!, stream!, ct));
    }

    private async Task<LogsResult<JsonObject>> DeleteLogStreamAsync(LogsInput input, CancellationToken ct)
    {
        var (group, stream) = (input.String("logGroupName"), input.String("logStreamName"));
        if ((input.Error ?? Invalid(LogGroups.ValidateGroupName(group)) ?? Invalid(LogGroups.ValidateStreamName(stream))) is { } e) return e;
        return Done(await store.DeleteStreamAsync(group!, stream!, ct));
    }

    private LogsResult<JsonObject> DescribeLogStreams(LogsInput input)
    {
        var group = input.Group();
        var prefix = input.String("logStreamNamePrefix");
        var orderBy = input.String("orderBy") ?? "LogStreamName";
        var descending = input.Bool("descending") ?? false;
        var limit = Limit(input, 50);
        var token = ReadPageToken(input.String("nextToken"));
        if ((input.Error ?? limit.Error ?? Invalid(LogGroups.ValidateGroupName(group))) is { } e) return e;
        if (orderBy is not ("LogStreamName" or "LastEventTime"))
        {
            return LogsError.Invalid($"1 validation error detected: Value '{orderBy}' at 'orderBy' failed to satisfy constraint: "
                + "Member must satisfy enum value set: [LogStreamName, LastEventTime]");
        }
        var byTime = orderBy == "LastEventTime";
        if (byTime && prefix is not null) return LogsError.Invalid("Cannot order by LastEventTime with a logStreamNamePrefix.");

        // Token: "<last event ms>|<name>" of the previous page's last stream.
        (long, string)? after = null;
        if (token is not null)
        {
            var bar = token.IndexOf('|', StringComparison.Ordinal);
            if (bar < 0 || !long.TryParse(token[..bar], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var t)) return InvalidToken;
            after = (t, token[(bar + 1)..]);
        }
        var page = store.Streams(group!, prefix, byTime, descending, after, limit.Value + 1);
        if (page.Error is { } notFound) return notFound;
        var streams = page.Value!;
        var arnPrefix = $"arn:aws:logs:{account.Region}:{account.AccountId}:log-group:{group}:log-stream:";
        var output = new JsonObject
        {
            ["logStreams"] = new JsonArray(streams.Take(limit.Value).Select(s => (JsonNode)Stream(s, arnPrefix)).ToArray()),
        };
        if (streams.Count > limit.Value)
        {
            var last = streams[limit.Value - 1];
            output["nextToken"] = PageToken(string.Create(CultureInfo.InvariantCulture, $"{(byTime ? last.LastEventTimestamp ?? 0 : 0)}|{last.Name}"));
        }
        return output;
    }

    private static JsonObject Stream(LogStreamInfo s, string arnPrefix)
    {
        var o = new JsonObject
        {
            ["logStreamName"] = s.Name,
            ["creationTime"] = s.CreationTime,
            ["arn"] = arnPrefix + s.Name,
            ["storedBytes"] = s.StoredBytes,
            ["uploadSequenceToken"] = "1",
        };
        if (s.FirstEventTimestamp is { } first) o["firstEventTimestamp"] = first;
        if (s.LastEventTimestamp is { } last) o["lastEventTimestamp"] = last;
        if (s.LastIngestionTime is { } ingested) o["lastIngestionTime"] = ingested;
        return o;
    }
}
