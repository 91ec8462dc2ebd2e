namespace Lamina.RuntimeSupport;

/// <summary>
/// The function's logger, with Amazon.Lambda.Core's member names. Every call writes one record to
/// stdout tagged with the current request id (text: <c>time\trequest-id\tlevel\tmessage</c>, or a JSON
/// object when AWS_LAMBDA_LOG_FORMAT=JSON); newlines inside a text message become carriage returns so
/// a record stays one line. Records below AWS_LAMBDA_LOG_LEVEL are dropped.
/// </summary>
public interface ILambdaLogger
{
    /// <summary>Writes <paramref name="message"/> as one Information record.</summary>
    void Log(string message);

    /// <summary>Writes <paramref name="message"/> as one Information record (the same as <see cref="Log(string)"/>:
    /// records are always whole lines).</summary>
    void LogLine(string message);

    /// <summary>Writes one record at <paramref name="level"/>.</summary>
    void Log(LogLevel level, string message);

    /// <summary>Writes one record at the level named by <paramref name="level"/> (a <see cref="LogLevel"/>
    /// name, case-insensitive; anything else is Information).</summary>
    void Log(string level, string message) =>
        Log(Enum.TryParse<LogLevel>(level, ignoreCase: true, out var parsed) ? parsed : LogLevel.Information, message);

    /// <summary>Writes one Trace record.</summary>
    void LogTrace(string message) => Log(LogLevel.Trace, message);

    /// <summary>Writes one Debug record.</summary>
    void LogDebug(string message) => Log(LogLevel.Debug, message);

    /// <summary>Writes one Information record.</summary>
    void LogInformation(string message) => Log(LogLevel.Information, message);

    /// <summary>Writes one Warning record.</summary>
    void LogWarning(string message) => Log(LogLevel.Warning, message);

    /// <summary>Writes one Error record.</summary>
    void LogError(string message) => Log(LogLevel.Error, message);

    /// <summary>Writes one Error record with the exception's type, message and stack trace appended.</summary>
    void LogError(Exception exception, string message) => Log(LogLevel.Error, message + Environment.NewLine + exception);

    /// <summary>Writes one Critical record.</summary>
    void LogCritical(string message) => Log(LogLevel.Critical, message);
}
