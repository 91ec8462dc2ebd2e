namespace Lamina.Control.Domain;

/// <summary>
/// A function's LoggingConfig: the log format (Text or JSON), the application and system log levels (JSON only)
/// and the log group. Stored on <see cref="FunctionConfig"/>; null there means AWS's defaults (Text, /aws/lambda/NAME).
/// </summary>
/// <param name="LogFormat"><see cref="Text"/> or <see cref="Json"/>.</param>
/// <param name="ApplicationLogLevel">TRACE, DEBUG, INFO, WARN, ERROR or FATAL when JSON (default INFO); null with Text.</param>
/// <param name="SystemLogLevel">DEBUG, INFO or WARN when JSON (default INFO); null with Text.</param>
/// <param name="LogGroup">The log group; null means /aws/lambda/NAME.</param>
public sealed record FunctionLogging(string LogFormat, string? ApplicationLogLevel = null, string? SystemLogLevel = null, string? LogGroup = null)
{
    public const string Text = "Text";
    public const string Json = "JSON";

    /// <summary>AWS's enum of ApplicationLogLevel, most detail first.</summary>
    public static readonly string[] ApplicationLevels = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];

    /// <summary>AWS's enum of SystemLogLevel, most detail first.</summary>
    public static readonly string[] SystemLevels = ["DEBUG", "INFO", "WARN"];

    /// <summary>The configuration of a function that never set one.</summary>
    public static FunctionLogging Default { get; } = new(Text);

    /// <summary>The log group the function's logs go to.</summary>
    public string GroupFor(string functionName) => LogGroup ?? "/aws/lambda/" + functionName;
}
