namespace Lamina.Control.Logs;

/// <summary>An expected failure of a Logs operation; <see cref="LogsService"/> renders it once from its table.</summary>
public sealed record LogsError(LogsErrorCode Code, string Message)
{
    public static LogsError GroupNotFound() => new(LogsErrorCode.ResourceNotFound, "The specified log group does not exist.");
    public static LogsError StreamNotFound() => new(LogsErrorCode.ResourceNotFound, "The specified log stream does not exist.");
    public static LogsError Invalid(string message) => new(LogsErrorCode.InvalidParameter, message);
}

/// <summary>The CloudWatch Logs error types Lamina answers with.</summary>
public enum LogsErrorCode
{
    ResourceNotFound,
    ResourceAlreadyExists,
    InvalidParameter,
}

/// <summary>A value or the <see cref="LogsError"/> that prevented it.</summary>
public readonly record struct LogsResult<T>(T? Value, LogsError? Error)
{
    public static implicit operator LogsResult<T>(T value) => new(value, null);
    public static implicit operator LogsResult<T>(LogsError error) => new(default, error);
}
