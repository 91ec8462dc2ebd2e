namespace Lamina.Aws.Signing;

/// <summary>The outcome of verifying one request: the caller's access key when authentic, else an error and a message for the client.</summary>
public readonly record struct SigV4Result(SigV4Error Error, string? AccessKeyId, string? Message)
{
    public bool IsAuthentic => Error == SigV4Error.None;

    public static SigV4Result Ok(string accessKeyId) => new(SigV4Error.None, accessKeyId, null);

    public static SigV4Result Fail(SigV4Error error, string message) => new(error, null, message);
}
