namespace Lamina.Aws;

/// <summary>
/// The server's one set of AWS-style credentials: the access key pair that SigV4 requests are
/// signed with, which is also the registry's user name and password. Generated on first start.
/// </summary>
public sealed record Credentials(string AccessKeyId, string SecretAccessKey, string Region, string AccountId);
