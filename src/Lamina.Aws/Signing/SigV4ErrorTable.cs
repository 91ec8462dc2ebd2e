namespace Lamina.Aws.Signing;

/// <summary>
/// The one table from <see cref="SigV4Error"/> to AWS's wire error code and HTTP status, as AWS's
/// JSON and REST-JSON services answer (botocore prints the code: "An error occurred (Code) ...").
/// </summary>
public static class SigV4ErrorTable
{
    /// <summary>The error code (<c>__type</c> / <c>x-amzn-ErrorType</c>) and status for a failed verification.</summary>
    public static (string Code, int Status) ToWire(SigV4Error error) => error switch
    {
        SigV4Error.MissingAuthenticationToken => ("MissingAuthenticationTokenException", 403),
        SigV4Error.IncompleteSignature => ("IncompleteSignatureException", 400),
        SigV4Error.UnrecognizedClient => ("UnrecognizedClientException", 403),
        SigV4Error.SignatureDoesNotMatch => ("InvalidSignatureException", 403),
        SigV4Error.InvalidScope => ("InvalidSignatureException", 403),
        SigV4Error.RequestTimeTooSkewed => ("InvalidSignatureException", 403),
        SigV4Error.Expired => ("InvalidSignatureException", 403),
        _ => throw new ArgumentOutOfRangeException(nameof(error), error, "not an error"),
    };
}
