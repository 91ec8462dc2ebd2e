using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Lamina.Aws.Signing;
using Microsoft.AspNetCore.Http;

namespace Lamina.Aws;

/// <summary>
/// Checks the SigV4 signature of requests to Lamina's AWS-compatible APIs against the server's one
/// <see cref="Credentials"/>. When authentication is disabled every request passes (as the server's own
/// access key). Shared by every AWS API so they agree on clock skew, region and error messages.
/// </summary>
public sealed class AwsRequestAuthenticator(Credentials credentials, bool enabled, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, SigV4Verifier> _verifiers = new(StringComparer.Ordinal);

    public bool Enabled => enabled;

    public Credentials Credentials => credentials;

    /// <summary>Verifies <paramref name="context"/>'s signature for <paramref name="service"/> given the body it carried.</summary>
    public SigV4Result Verify(HttpContext context, string service, ReadOnlySpan<byte> body)
    {
        if (!enabled) return SigV4Result.Ok(credentials.AccessKeyId);
        var verifier = _verifiers.GetOrAdd(service, s => new SigV4Verifier(
            FindSecret,
            new SigV4VerifierOptions { Service = s, Region = credentials.Region },
            time));
        return verifier.Verify(SigV4HttpRequest.From(context, SigV4Signer.HexSha256(body)));
    }

    private string? FindSecret(string accessKeyId) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(accessKeyId), Encoding.UTF8.GetBytes(credentials.AccessKeyId))
            ? credentials.SecretAccessKey
            : null;
}
