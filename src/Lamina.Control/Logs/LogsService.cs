using System.Text;
using System.Text.Json.Nodes;
using Lamina.Aws;
using Lamina.Aws.Protocol;

namespace Lamina.Control.Logs;

/// <summary>
/// The CloudWatch Logs API subset (AWS JSON 1.1, target prefix <c>Logs_20140328</c>, SigV4 service
/// <c>logs</c>) over <see cref="LogStore"/>: enough for <c>aws logs tail --follow</c>, describe-log-streams,
/// get-log-events and filter-log-events. One partial per resource; errors rendered once by <see cref="Render"/>.
/// </summary>
public sealed partial class LogsService(LogStore store, Credentials account, TimeProvider time) : IAwsJsonService
{
    public string TargetPrefix => "Logs_20140328";

    public string SigningName => "logs";

    public string InternalErrorCode => "ServiceUnavailableException";

    public async ValueTask<AwsJsonResponse> HandleAsync(AwsJsonRequest request, CancellationToken ct)
    {
        var input = new LogsInput(request.Input);
        LogsResult<JsonObject>? result = request.Operation switch
        {
            "CreateLogGroup" => await CreateLogGroupAsync(input, ct),
            "DeleteLogGroup" => await DeleteLogGroupAsync(input, ct),
            "DescribeLogGroups" => DescribeLogGroups(input),
            "CreateLogStream" => await CreateLogStreamAsync(input, ct),
            "DeleteLogStream" => await DeleteLogStreamAsync(input, ct),
            "DescribeLogStreams" => DescribeLogStreams(input),
            "PutLogEvents" => await PutLogEventsAsync(input, ct),
            "GetLogEvents" => GetLogEvents(input),
            "FilterLogEvents" => FilterLogEvents(input),
            "PutRetentionPolicy" => await PutRetentionPolicyAsync(input, ct),
            "DeleteRetentionPolicy" => await DeleteRetentionPolicyAsync(input, ct),
            _ => (LogsResult<JsonObject>?)null,
        };
        if (result is null) return AwsJsonResponse.Error("UnknownOperationException", $"Unknown operation {request.Operation}");
        return result.Value.Error is { } error ? Render(error) : AwsJsonResponse.Ok(result.Value.Value!);
    }

    /// <summary>The one error table of this API: every Logs error is a client error (400).</summary>
    private static AwsJsonResponse Render(LogsError error) => AwsJsonResponse.Error(error.Code switch
    {
        LogsErrorCode.ResourceNotFound => "ResourceNotFoundException",
        LogsErrorCode.ResourceAlreadyExists => "ResourceAlreadyExistsException",
        _ => "InvalidParameterException",
    }, error.Message);

    private static LogsResult<JsonObject> Done(LogsError? error) => error is null ? new JsonObject() : error;

    /// <summary>A limit member within [1, max], or max when absent.</summary>
    private static LogsResult<int> Limit(LogsInput input, int max)
    {
        var limit = input.Int("limit");
        if (limit is null) return max;
        return limit is < 1 || limit > max
            ? LogsError.Invalid($"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy constraint: Member must have value between 1 and {max}")
            : limit.Value;
    }

    /// <summary>Describe* paging tokens are opaque: base64 of the last item's key.</summary>
    private static string PageToken(string key) => Convert.ToBase64String(Encoding.UTF8.GetBytes(key));

    private static string? ReadPageToken(string? token)
    {
        if (token is null) return null;
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            return "";
        }
    }

    private static readonly LogsError InvalidToken = LogsError.Invalid("The specified nextToken is invalid.");
}
