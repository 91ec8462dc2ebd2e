using System.Security.Cryptography;
using System.Text;

namespace Lamina.Aws.Signing;

/// <summary>
/// The arithmetic of AWS Signature Version 4: canonical request, string to sign, signing key, signature.
/// Shared by the verifier and by anything that signs (tests, future clients).
/// </summary>
public static class SigV4Signer
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>SHA-256 of the empty payload, hex.</summary>
    public const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";

    /// <summary>The X-Amz-Date format: basic ISO 8601 in UTC, e.g. 20150830T123600Z.</summary>
    public const string AmzDateFormat = "yyyyMMdd'T'HHmmss'Z'";

    public static string CanonicalRequest(string method, string canonicalUri, string canonicalQuery,
        string canonicalHeaders, string signedHeaders, string payloadHash) =>
        $"{method}\n{canonicalUri}\n{canonicalQuery}\n{canonicalHeaders}\n{signedHeaders}\n{payloadHash}";

    /// <summary>
    /// Canonical headers block: one "name:value\n" line per signed header in the order given (which must be
    /// sorted), values trimmed; a header sent several times has its values joined with ','.
    /// </summary>
    public static string CanonicalHeaders(IReadOnlyList<string> signedHeaderNames, Func<string, IReadOnlyList<string>> getValues)
    {
        var builder = new StringBuilder();
        foreach (var name in signedHeaderNames)
        {
            builder.Append(name).Append(':');
            builder.AppendJoin(',', getValues(name).Select(SigV4Canonical.TrimAll));
            builder.Append('\n');
        }
        return builder.ToString();
    }

    public static string Scope(string date, string region, string service) => $"{date}/{region}/{service}/aws4_request";

    public static string StringToSign(string amzDate, string scope, string canonicalRequest) =>
        $"{Algorithm}\n{amzDate}\n{scope}\n{HexSha256(canonicalRequest)}";

    public static byte[] DeriveSigningKey(string secretAccessKey, string date, string region, string service)
    {
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), Encoding.UTF8.GetBytes(date));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(key, "aws4_request"u8);
    }

    /// <summary>The signature: lower-case hex of HMAC-SHA256(signing key, string to sign).</summary>
    public static string Signature(byte[] signingKey, string stringToSign) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(stringToSign)));

    public static string HexSha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    public static string HexSha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
