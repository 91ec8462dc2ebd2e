namespace Lamina.Control.Invoke;

/// <summary>
/// Where the scheduler reports what happened: the function's log lines (runtime output plus the agent's
/// START/END/REPORT lines) and one record per finished or refused invocation. The logs store
/// (CloudWatch Logs API) and the metrics (Prometheus, console JSON) implement it; until they are registered
/// <see cref="NullInvocationTelemetry"/> drops everything. Implementations must not block: the scheduler
/// calls them on the invoke path.
/// </summary>
public interface IInvocationTelemetry
{
    /// <summary>Log events of one environment, in order, for the batch's log group (<c>/aws/lambda/{FunctionName}</c> by default).</summary>
    void AppendLog(FunctionLogBatch batch);

    /// <summary>One invocation finished (any outcome) or was throttled.</summary>
    void Record(InvocationRecord record);
}

/// <summary>
/// Log events for one stream. <paramref name="LogStreamName"/> follows Lambda's form
/// <c>YYYY/MM/DD/[VERSION]&lt;32 hex chars&gt;</c>: one stream per execution environment.
/// <paramref name="LogGroupName"/> is the function's LoggingConfig.LogGroup; null means <c>/aws/lambda/{FunctionName}</c>.
/// </summary>
public sealed record FunctionLogBatch(string FunctionName, string LogStreamName, IReadOnlyList<FunctionLogEvent> Events, string? LogGroupName = null);

/// <summary>One log line (without its trailing newline) and when the host read it.</summary>
public readonly record struct FunctionLogEvent(DateTimeOffset Timestamp, string Message);

/// <summary>How an invocation ended.</summary>
public enum InvocationOutcome
{
    /// <summary>The function returned a result.</summary>
    Success,
    /// <summary>The function failed (X-Amz-Function-Error set: handler error, crash, timeout, out of memory).</summary>
    FunctionError,
    /// <summary>Refused for lack of concurrency or scaling rate (429 TooManyRequestsException).</summary>
    Throttled,
    /// <summary>Lamina could not run it (no environment could start, image missing, …).</summary>
    PlatformError,
}

/// <summary>One invocation, as the scheduler saw it.</summary>
/// <param name="FunctionName">The function's name.</param>
/// <param name="Version">The version that ran ($LATEST or a number).</param>
/// <param name="RequestId">The invocation's request id.</param>
/// <param name="Type">RequestResponse or Event.</param>
/// <param name="Start">When the scheduler received it.</param>
/// <param name="DurationMs">Time in the function (the REPORT line's Duration); 0 when throttled.</param>
/// <param name="InitDurationMs">Set on a cold start: how long the environment's init took.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="ErrorType">The function error type (e.g. Runtime.ExitError, Sandbox.Timedout) or the throttle Reason; null on success.</param>
/// <param name="ConcurrentExecutions">Environments of this function busy right after it started.</param>
public sealed record InvocationRecord(
    string FunctionName,
    string Version,
    string RequestId,
    InvocationType Type,
    DateTimeOffset Start,
    double DurationMs,
    double? InitDurationMs,
    InvocationOutcome Outcome,
    string? ErrorType,
    int ConcurrentExecutions);

/// <summary>Drops everything; registered until the logs store and metrics are.</summary>
public sealed class NullInvocationTelemetry : IInvocationTelemetry
{
    public void AppendLog(FunctionLogBatch batch)
    {
    }

    public void Record(InvocationRecord record)
    {
    }
}
