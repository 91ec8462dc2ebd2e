namespace Lamina.Control.Domain;

/// <summary>
/// An expected failure of a Lambda operation, returned as a value. The API edge renders it once through
/// <see cref="Api.LambdaErrorTable"/>: the error type names and HTTP statuses live only there.
/// </summary>
public sealed record LambdaError(LambdaErrorType Type, string Message, string? Reason = null)
{
    public static LambdaError NotFound(string message) => new(LambdaErrorType.ResourceNotFound, message);
    public static LambdaError Conflict(string message) => new(LambdaErrorType.ResourceConflict, message);
    public static LambdaError InvalidParameter(string message) => new(LambdaErrorType.InvalidParameterValue, message);

    /// <summary>A model constraint (pattern, length, range) failed, worded as AWS's request validator words it.</summary>
    public static LambdaError Validation(string value, string member, string constraint) =>
        new(LambdaErrorType.Validation, $"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}");

    public static LambdaError FunctionNotFound(string arn) => NotFound($"Function not found: {arn}");
}

/// <summary>The Lambda error types Lamina answers with. <see cref="Api.LambdaErrorTable"/> maps each to the wire.</summary>
public enum LambdaErrorType
{
    ResourceNotFound,
    ResourceConflict,
    InvalidParameterValue,
    Validation,
    TooManyRequests,
    RequestTooLarge,
    PreconditionFailed,
    InvalidRequestContent,
    UnsupportedMediaType,
    ProvisionedConcurrencyConfigNotFound,
    Service,
}
