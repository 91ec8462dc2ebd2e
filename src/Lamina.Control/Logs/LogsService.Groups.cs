using System.Text.Json.Nodes;

namespace Lamina.Control.Logs;

/// <summary>Log groups and their retention.</summary>
public sealed partial class LogsService
{
    private async Task<LogsResult<JsonObject>> CreateLogGroupAsync(LogsInput input, CancellationToken ct)
    {
        var name = input.String("logGroupName");
        if ((input.Error ?? Invalid(LogGroups.ValidateGroupName(name))) is { } e) return e;
        return Done(await store.CreateGroupAsync(name!, ct));
    }

    private async Task<LogsResult<JsonObject>> DeleteLogGroupAsync(LogsInput input, CancellationToken ct)
    {
        var name = input.String("logGroupName");
        if ((input.Error ?? Invalid(LogGroups.ValidateGroupName(name))) is { } e) return e;
        return Done(await store.DeleteGroupAsync(name!, ct));
    }

    private LogsResult<JsonObject> DescribeLogGroups(LogsInput input)
    {
        var prefix = input.String("logGroupNamePrefix");
        var limit = Limit(input, 50);
        var after = ReadPageToken(input.String("nextToken"));
        if ((input.Error ?? limit.Error) is { } e) return e;
        if (after == "") return InvalidToken;
        var groups = store.Groups(prefix, after, limit.Value + 1);
        var output = new JsonObject
        {
            ["logGroups"] = new JsonArray(groups.Take(limit.Value).Select(g => (JsonNode)Group(g)).ToArray()),
        };
        if (groups.Count > limit.Value) output["nextToken"] = PageToken(groups[limit.Value - 1].Name);
        return output;
    }

    private JsonObject Group(LogGroupInfo g)
    {
        var arn = LogGroups.Arn(account.Region, account.AccountId, g.Name);
        var o = new JsonObject
        {
            ["logGroupName"] = g.Name,
            ["creationTime"] = g.CreationTime,
            ["metricFilterCount"] = 0,
            ["arn"] = arn,
            ["storedBytes"] = g.StoredBytes,
            ["logGroupClass"] = "STANDARD",
            ["logGroupArn"] = arn[..^2],
        };
        if (g.RetentionInDays is { } days) o["retentionInDays"] = days;
        return o;
    }

    private async Task<LogsResult<JsonObject>> PutRetentionPolicyAsync(LogsInput input, CancellationToken ct)
    {
        var name = input.String("logGroupName");
        var days = input.Int("retentionInDays");
        if ((input.Error ?? Invalid(LogGroups.ValidateGroupName(name))) is { } e) return e;
        if (days is null || Array.IndexOf(LogGroups.RetentionDays, days.Value) < 0)
        {
            return LogsError.Invalid($"1 validation error detected: Value '{days}' at 'retentionInDays' failed to satisfy constraint: "
                + $"Member must satisfy enum value set: [{string.Join(", ", LogGroups.RetentionDays)}]");
        }
        return Done(await store.PutRetentionAsync(name!, days, ct));
    }

    private async Task<LogsResult<JsonObject>> DeleteRetentionPolicyAsync(LogsInput input, CancellationToken ct)
    {
        var name = input.String("logGroupName");
        if ((input.Error ?? Invalid(LogGroups.ValidateGroupName(name))) is { } e) return e;
        return Done(await store.PutRetentionAsync(name!, null, ct));
    }

    private static LogsError? Invalid(string? message) => message is null ? null : LogsError.Invalid(message);
}
