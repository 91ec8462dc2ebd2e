namespace Lamina.Cli;

/// <summary>
/// An expected failure carrying its exit code and a message that says what to do next; rendered once by
/// <see cref="CommandRunner"/>. <paramref name="Detail"/> is machine-readable extra data for <c>--output json</c>.
/// </summary>
internal sealed class CliException(int exitCode, string message, string? errorType = null) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>The server's error code (ServiceException, NAME_UNKNOWN …) when the server reported one.</summary>
    public string? ErrorType { get; } = errorType;

    public static CliException Usage(string message) => new(ExitCodes.Usage, message);
}
