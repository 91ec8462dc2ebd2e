using System.Text;
using System.Text.Json;
using Lamina.Control.Domain;
using Lamina.Control.Invoke;
using Lamina.Control.Logs;
using Lamina.Environments;
using AgentAnswer = Lamina.Environments.InvokeResult;
using InvokeResult = Lamina.Control.Invoke.InvokeResult;

namespace Lamina.Scheduler;

public sealed partial class Scheduler
{
    /// <summary>Reads the environment's new log lines and hands them to telemetry as one batch of its stream.</summary>
    private List<string> ForwardLog(PooledEnvironment environment)
    {
        var lines = EnvironmentLog.ReadNewLines(environment);
        // ApplicationLogLevel (JSON format): dropped before the store and the tail, as Lambda drops them.
        if (lines.Count > 0) environment.LogFilter?.Apply(lines);
        if (lines.Count > 0)
        {
            var now = _time.GetUtcNow();
            _telemetry.AppendLog(new FunctionLogBatch(environment.Key.FunctionName, environment.LogStreamName,
                lines.Select(l => new FunctionLogEvent(now, l)).ToList(), environment.Environment.Function.Logging?.LogGroup));
        }
        return lines;
    }

    /// <summary>
    /// The agent's answer as the API's result: 200 is the payload; a function error (X-Amz-Function-Error)
    /// or a timeout (408, Sandbox.Timedout) is a 200 with FunctionError "Unhandled", as Lambda answers;
    /// anything else is a platform error.
    /// </summary>
    private InvokeResult Complete(InvokeRequest request, DateTimeOffset started, PooledEnvironment environment,
        AgentAnswer answer, List<string> lines, int concurrent)
    {
        var report = ReportLine.FindLast(lines, request.RequestId);
        var (durationMs, reportedInitMs) = (report?.DurationMs, report?.InitDurationMs);
        double? initMs = null;
        if (environment.Cold)
        {
            environment.Cold = false;
            initMs = reportedInitMs ?? environment.Environment.Timings.RuntimeInitMs;
        }
        var tail = request.TailLog ? Tail(lines) : null;
        var duration = durationMs ?? (_time.GetUtcNow() - started).TotalMilliseconds;
        var functionError = answer.FunctionError ?? (answer.StatusCode == 408 ? "Unhandled" : null);
        if (functionError is not null)
        {
            Record(request, started, duration, initMs, InvocationOutcome.FunctionError, ErrorType(answer.Payload) ?? functionError, concurrent);
            return new InvokeResult(answer.Payload, functionError, tail);
        }
        if (answer.StatusCode is >= 200 and < 300)
        {
            Record(request, started, duration, initMs, InvocationOutcome.Success, null, concurrent);
            return new InvokeResult(answer.Payload, null, tail);
        }
        Record(request, started, duration, initMs, InvocationOutcome.PlatformError, ErrorType(answer.Payload), concurrent);
        return InvokeResult.Failed(new LambdaError(LambdaErrorType.Service,
            $"The execution environment answered {answer.StatusCode}: {Truncate(answer.PayloadText)}"));
    }

    /// <summary>A cold start that failed: a runtime init failure is the function's error (Unhandled), anything else the platform's.</summary>
    private InvokeResult StartFailed(InvokeRequest request, DateTimeOffset started, EnvironmentError failure, int concurrent)
    {
        if (failure.Code == EnvironmentErrorCode.InitFailed)
        {
            var payload = InitErrorPayload(failure.Message);
            Record(request, started, 0, null, InvocationOutcome.FunctionError, ErrorType(payload) ?? "Runtime.InitError", concurrent);
            return new InvokeResult(payload, "Unhandled", request.TailLog ? failure.Message + "\n" : null);
        }
        return Platform(request, started, $"No execution environment could be started: {failure}", concurrent);
    }

    private InvokeResult Platform(InvokeRequest request, DateTimeOffset started, string message, int concurrent = 0)
    {
        Record(request, started, 0, null, InvocationOutcome.PlatformError, null, concurrent);
        return InvokeResult.Failed(new LambdaError(LambdaErrorType.Service, message));
    }

    private void Record(InvokeRequest request, DateTimeOffset started, double durationMs, double? initMs,
        InvocationOutcome outcome, string? errorType, int concurrent) =>
        _telemetry.Record(new InvocationRecord(request.Function.FunctionName, request.Function.Version, request.RequestId,
            request.InvocationType, started, durationMs, initMs, outcome, errorType, concurrent));

    private static string Tail(List<string> lines) => lines.Count == 0 ? "" : string.Join('\n', lines) + "\n";

    /// <summary>The agent's init answer is <c>{"status":"failed","error":{…}}</c>, maybe followed by " | stderr: …".</summary>
    private static byte[] InitErrorPayload(string message)
    {
        var json = message.Split(" | stderr: ")[0];
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.TryGetProperty("error", out var error))
                return error.ValueKind == JsonValueKind.Object ? Encoding.UTF8.GetBytes(error.GetRawText())
                    : JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["errorType"] = "Runtime.InitError", ["errorMessage"] = error.ToString() });
        }
        catch (JsonException)
        {
        }
        return JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["errorType"] = "Runtime.InitError", ["errorMessage"] = message });
    }

    private static string? ErrorType(ReadOnlyMemory<byte> payload)
    {
        try
        {
            using var doc = JsonDocument.Parse(payload);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("errorType", out var t)
                && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Truncate(string text) => text.Length > 1000 ? text[..1000] : text;
}
