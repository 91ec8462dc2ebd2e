using Lamina.Aws.Signing;

namespace Lamina.Aws.Tests.Signing;

/// <summary>Builds <see cref="SigV4Request"/>s from literal header lists, as a server would have received them.</summary>
internal static class TestRequests
{
    public const string AccessKey = "AKIDEXAMPLE";
    public const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    /// <summary>The time of AWS's published SigV4 test suite requests (20150830T123600Z).</summary>
    public static readonly DateTimeOffset SuiteTime = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);

    public static SigV4Request Build(string method, string target, IEnumerable<(string Name, string Value)> headers, byte[]? body = null)
    {
        var q = target.IndexOf('?', StringComparison.Ordinal);
        var list = headers.ToList();
        return new SigV4Request
        {
            Method = method,
            RawPath = q < 0 ? target : target[..q],
            RawQuery = q < 0 ? "" : target[q..],
            GetHeaderValues = name => list.Where(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToArray(),
            PayloadHash = SigV4Signer.HexSha256(body ?? []),
        };
    }

    public static SigV4Verifier Verifier(TimeProvider time, string service = "service", string? region = "us-east-1") =>
        new(key => key == AccessKey ? Secret : null, new SigV4VerifierOptions { Service = service, Region = region }, time);

    public static string Authorization(string signature, string signedHeaders = "host;x-amz-date", string scope = "20150830/us-east-1/service/aws4_request") =>
        $"AWS4-HMAC-SHA256 Credential={AccessKey}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
}
