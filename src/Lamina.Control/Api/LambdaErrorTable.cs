using Lamina.Control.Domain;

namespace Lamina.Control.Api;

/// <summary>
/// The one table from <see cref="LambdaErrorType"/> to Lambda's wire error type, HTTP status and fault side.
/// Rendered as the <c>x-amzn-ErrorType</c> header (which botocore's rest-json parser reads first) and a
/// <c>{"Type":"User"|"Service","message":…}</c> body, as Lambda answers.
/// </summary>
public static class LambdaErrorTable
{
    public static (string Code, int Status, string Fault) ToWire(LambdaErrorType type) => type switch
    {
        LambdaErrorType.ResourceNotFound => ("ResourceNotFoundException", 404, "User"),
        LambdaErrorType.ResourceConflict => ("ResourceConflictException", 409, "User"),
        LambdaErrorType.InvalidParameterValue => ("InvalidParameterValueException", 400, "User"),
        LambdaErrorType.Validation => ("ValidationException", 400, "User"),
        LambdaErrorType.TooManyRequests => ("TooManyRequestsException", 429, "User"),
        LambdaErrorType.RequestTooLarge => ("RequestTooLargeException", 413, "User"),
        LambdaErrorType.PreconditionFailed => ("PreconditionFailedException", 412, "User"),
        LambdaErrorType.InvalidRequestContent => ("InvalidRequestContentException", 400, "User"),
        LambdaErrorType.UnsupportedMediaType => ("UnsupportedMediaTypeException", 415, "User"),
        LambdaErrorType.ProvisionedConcurrencyConfigNotFound => ("ProvisionedConcurrencyConfigNotFoundException", 404, "User"),
        LambdaErrorType.Service => ("ServiceException", 500, "Service"),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
