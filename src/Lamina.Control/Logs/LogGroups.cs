using System.Text.RegularExpressions;

namespace Lamina.Control.Logs;

/// <summary>Names and ARNs of log groups and streams, and their validation (botocore's patterns).</summary>
public static partial class LogGroups
{
    /// <summary>The group a function writes to.</summary>
    public static string ForFunction(string functionName) => "/aws/lambda/" + functionName;

    public static string Arn(string region, string account, string group) => $"arn:aws:logs:{region}:{account}:log-group:{group}:*";

    [GeneratedRegex(@"^[\.\-_/#A-Za-z0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex GroupNameRegex();

    /// <summary>Null when valid, else the validation message AWS words for it.</summary>
    public static string? ValidateGroupName(string? name, string member = "logGroupName") =>
        name is null or { Length: 0 or > 512 } || !GroupNameRegex().IsMatch(name)
            ? $"1 validation error detected: Value '{name}' at '{member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+ and have length between 1 and 512"
            : null;

    public static string? ValidateStreamName(string? name, string member = "logStreamName") =>
        name is null or { Length: 0 or > 512 } || name.Contains(':', StringComparison.Ordinal) || name.Contains('*', StringComparison.Ordinal)
            ? $"1 validation error detected: Value '{name}' at '{member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]* and have length between 1 and 512"
            : null;

    /// <summary>Retention periods PutRetentionPolicy accepts, in days.</summary>
    public static readonly int[] RetentionDays = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
}
