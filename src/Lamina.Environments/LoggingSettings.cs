namespace Lamina.Environments;

/// <summary>
/// A function's LoggingConfig as the environment needs it. The runtime interface clients read
/// AWS_LAMBDA_LOG_FORMAT and AWS_LAMBDA_LOG_LEVEL (they format and filter the application's own log);
/// lamina-init reads the format too (platform lines as JSON records) and LAMINA_SYSTEM_LOG_LEVEL (which
/// platform records it writes). See docs/agent.md "Log format".
/// </summary>
/// <param name="LogFormat">"Text" or "JSON".</param>
/// <param name="ApplicationLogLevel">TRACE…FATAL (JSON only).</param>
/// <param name="SystemLogLevel">DEBUG, INFO or WARN (JSON only).</param>
/// <param name="LogGroup">AWS_LAMBDA_LOG_GROUP_NAME.</param>
public sealed record LoggingSettings(string LogFormat, string? ApplicationLogLevel, string? SystemLogLevel, string? LogGroup)
{
    /// <summary>Sets the variables for the runtime and the agent. Text format sets none, so a Text function's
    /// environment is exactly what it was before LoggingConfig existed.</summary>
    public void AddVariables(IDictionary<string, string> variables)
    {
        if (LogFormat != "JSON")
        {
            return;
        }
        variables["AWS_LAMBDA_LOG_FORMAT"] = "JSON";
        variables["AWS_LAMBDA_LOG_LEVEL"] = ApplicationLogLevel ?? "INFO";
        variables["LAMINA_SYSTEM_LOG_LEVEL"] = SystemLogLevel ?? "INFO";
    }
}
