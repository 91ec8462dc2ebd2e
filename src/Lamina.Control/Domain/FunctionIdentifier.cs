using System.Text.RegularExpressions;
using Lamina.Aws;

namespace Lamina.Control.Domain;

/// <summary>
/// A FunctionName parameter in every form Lambda accepts: <c>NAME</c>, <c>NAME:QUALIFIER</c>,
/// <c>ACCOUNT:function:NAME[:QUALIFIER]</c> (partial ARN) and
/// <c>arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]</c>.
/// </summary>
public sealed partial record FunctionIdentifier(string Name, string? Qualifier)
{
    /// <summary>AWS's FunctionName pattern (botocore shape FunctionName).</summary>
    public const string Pattern = @"(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?";

    /// <summary>Longest FunctionName parameter (a full ARN with qualifier).</summary>
    public const int MaxLength = 140;

    /// <summary>Longest bare function name.</summary>
    public const int MaxNameLength = 64;

    [GeneratedRegex("^" + Pattern + "$", RegexOptions.CultureInvariant)]
    private static partial Regex FunctionNameRegex();

    [GeneratedRegex(@"^[a-zA-Z0-9$_-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex QualifierRegex();

    /// <summary>
    /// Parses <paramref name="value"/> and combines it with the separate <paramref name="qualifier"/> parameter
    /// (Qualifier query string). An ARN naming another account or region is not found here.
    /// </summary>
    public static Result<FunctionIdentifier> Parse(string? value, string? qualifier, Credentials account, string member = "functionName")
    {
        value ??= "";
        if (value.Length is 0 or > MaxLength)
        {
            return LambdaError.Validation(value, member, value.Length == 0
                ? "Member must have length greater than or equal to 1"
                : $"Member must have length less than or equal to {MaxLength}");
        }
        var m = FunctionNameRegex().Match(value);
        if (!m.Success) return LambdaError.Validation(value, member, "Member must satisfy regular expression pattern: " + Pattern);

        var name = m.Groups[10].Value;
        if (name.Length > MaxNameLength)
            return LambdaError.InvalidParameter($"Function name {name} exceeds the maximum length of {MaxNameLength} characters.");
        var region = m.Groups[3].Success ? m.Groups[3].Value.TrimEnd(':') : null;
        var accountId = m.Groups[8].Success ? m.Groups[8].Value.TrimEnd(':') : null;
        var isArn = m.Groups[1].Success || accountId is not null || m.Groups[9].Success;
        if (isArn && (accountId is null || !m.Groups[9].Success))
            return LambdaError.Validation(value, member, "Member must satisfy regular expression pattern: " + Pattern);

        var derived = m.Groups[12].Success ? m.Groups[12].Value : null;
        if (!string.IsNullOrEmpty(qualifier))
        {
            if (qualifier.Length > 128 || !QualifierRegex().IsMatch(qualifier))
                return LambdaError.Validation(qualifier, "qualifier", "Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)");
            if (derived is not null && derived != qualifier)
                return LambdaError.InvalidParameter("The derived qualifier from the function name does not match the specified qualifier.");
            derived = qualifier;
        }
        if ((region is not null && region != account.Region) || (accountId is not null && accountId != account.AccountId))
        {
            return LambdaError.FunctionNotFound(value);
        }
        return new FunctionIdentifier(name, derived);
    }

    /// <summary>The function's unqualified ARN.</summary>
    public static string Arn(Credentials account, string name) => $"arn:aws:lambda:{account.Region}:{account.AccountId}:function:{name}";

    /// <summary>The ARN with <paramref name="qualifier"/> appended when given.</summary>
    public static string Arn(Credentials account, string name, string? qualifier) =>
        qualifier is null ? Arn(account, name) : Arn(account, name) + ":" + qualifier;
}
