using System.Text.RegularExpressions;
using Lamina.Control.Domain;

namespace Lamina.Control.Api;

/// <summary>
/// LoggingConfig of CreateFunction and UpdateFunctionConfiguration (botocore's LoggingConfig shape). Members
/// left out keep their current value; log levels exist only with JSON: given with Text they are refused as
/// AWS refuses them, and switching to Text clears them. JSON without levels means INFO for both.
/// </summary>
public static partial class FunctionSettings
{
    [GeneratedRegex(@"^[\.\-_/#A-Za-z0-9]+$")]
    private static partial Regex LogGroupRegex();

    /// <summary>The logging configuration after applying <paramref name="input"/> (the LoggingConfig member) onto
    /// <paramref name="current"/>; null input keeps the current one.</summary>
    public static Result<FunctionLogging?> ApplyLogging(JsonInput? input, FunctionLogging? current)
    {
        if (input is null) return current;
        var format = input.String("LogFormat");
        var application = input.String("ApplicationLogLevel");
        var system = input.String("SystemLogLevel");
        var group = input.String("LogGroup");
        if (input.Error is { } typeError) return typeError;

        if (format is not null && format is not (FunctionLogging.Text or FunctionLogging.Json))
            return LambdaError.Validation(format, "loggingConfig.logFormat", "Member must satisfy enum value set: [JSON, Text]");
        if (application is not null && !FunctionLogging.ApplicationLevels.Contains(application))
        {
            return LambdaError.Validation(application, "loggingConfig.applicationLogLevel",
                "Member must satisfy enum value set: [TRACE, DEBUG, INFO, WARN, ERROR, FATAL]");
        }
        if (system is not null && !FunctionLogging.SystemLevels.Contains(system))
            return LambdaError.Validation(system, "loggingConfig.systemLogLevel", "Member must satisfy enum value set: [DEBUG, INFO, WARN]");
        if (group is not null)
        {
            if (group.Length is 0 or > 512)
            {
                return LambdaError.Validation(group, "loggingConfig.logGroup", group.Length == 0
                    ? "Member must have length greater than or equal to 1"
                    : "Member must have length less than or equal to 512");
            }
            if (!LogGroupRegex().IsMatch(group))
                return LambdaError.Validation(group, "loggingConfig.logGroup", @"Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+");
        }

        var previous = current ?? FunctionLogging.Default;
        var resulting = format ?? previous.LogFormat;
        if (resulting == FunctionLogging.Text)
        {
            if (application is not null || system is not null)
            {
                return LambdaError.InvalidParameter("LogLevel is not supported when LogFormat is set to \"Text\". "
                    + "Remove LogLevel from your request or change the LogFormat to \"JSON\" and try again.");
            }
            return new FunctionLogging(FunctionLogging.Text, LogGroup: group ?? previous.LogGroup);
        }
        return new FunctionLogging(
            FunctionLogging.Json,
            application ?? previous.ApplicationLogLevel ?? "INFO",
            system ?? previous.SystemLogLevel ?? "INFO",
            group ?? previous.LogGroup);
    }
}
