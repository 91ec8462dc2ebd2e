namespace Lamina.Aws.Signing;

/// <summary>
/// Why a request's SigV4 authentication was refused. The names are AWS's error codes (JSON protocols
/// add the <c>Exception</c> suffix where AWS does); <see cref="SigV4ErrorTable"/> maps them to the wire.
/// </summary>
public enum SigV4Error
{
    /// <summary>The request is authentic.</summary>
    None,

    /// <summary>No Authorization header and no presigned query parameters.</summary>
    MissingAuthenticationToken,

    /// <summary>The Authorization header or presigned query lacks a part or is malformed.</summary>
    IncompleteSignature,

    /// <summary>The access key id is not one this server knows.</summary>
    UnrecognizedClient,

    /// <summary>The signature is well formed but wrong (wrong secret, altered request).</summary>
    SignatureDoesNotMatch,

    /// <summary>The credential scope names another region or service, or its date disagrees with X-Amz-Date.</summary>
    InvalidScope,

    /// <summary>X-Amz-Date is more than the allowed skew away from the server's clock.</summary>
    RequestTimeTooSkewed,

    /// <summary>A presigned URL past its X-Amz-Expires.</summary>
    Expired,
}
