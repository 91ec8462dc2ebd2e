using System.Globalization;

namespace Lamina.Aws.Signing;

/// <summary>
/// The signature parameters of one request, from its Authorization header
/// (<c>AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=hex</c>)
/// or from the presigned query (<c>X-Amz-Algorithm</c>, <c>X-Amz-Credential</c>, …).
/// </summary>
internal sealed record SigV4Authorization(
    string AccessKeyId,
    string ScopeDate,
    string Region,
    string Service,
    IReadOnlyList<string> SignedHeaders,
    string Signature,
    bool Presigned,
    TimeSpan? Expires)
{
    private static readonly string[] RequiredQuery = ["X-Amz-Credential", "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Date", "X-Amz-Expires"];

    public string Scope => SigV4Signer.Scope(ScopeDate, Region, Service);

    private static readonly char[] Ows = [' ', '\t'];

    /// <summary>Parses the Authorization header; on failure <paramref name="error"/> says what is missing.</summary>
    public static SigV4Authorization? FromHeader(string header, out string? error)
    {
        error = null;
        if (!header.StartsWith(SigV4Signer.Algorithm + " ", StringComparison.Ordinal))
        {
            error = $"Authorization header must start with '{SigV4Signer.Algorithm}'. Authorization={header.Split(' ')[0]}";
            return null;
        }
        string? credential = null, signedHeaders = null, signature = null;
        foreach (var part in header[(SigV4Signer.Algorithm.Length + 1)..].Split(','))
        {
            // Only HTTP's optional whitespace (space, tab) is insignificant around components and values.
            var item = part.Trim(Ows);
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0) continue;
            var value = item[(eq + 1)..].Trim(Ows);
            switch (item[..eq].Trim(Ows))
            {
                case "Credential": credential = value; break;
                case "SignedHeaders": signedHeaders = value; break;
                case "Signature": signature = value; break;
            }
        }
        var missing = new List<string>();
        if (credential is null) missing.Add("'Credential'");
        if (signedHeaders is null) missing.Add("'SignedHeaders'");
        if (signature is null) missing.Add("'Signature'");
        if (missing.Count > 0)
        {
            error = $"Authorization header requires {string.Join(", ", missing)} parameter(s). Authorization={header}";
            return null;
        }
        return Build(credential!, signedHeaders!, signature!, presigned: false, expires: null, out error);
    }

    /// <summary>Parses the presigned query parameters (already decoded), or returns null with an error.</summary>
    public static SigV4Authorization? FromQuery(IReadOnlyDictionary<string, string> query, out string? error)
    {
        error = null;
        string Get(string name) => query.TryGetValue(name, out var v) ? v : "";
        if (Get("X-Amz-Algorithm") != SigV4Signer.Algorithm)
        {
            error = $"X-Amz-Algorithm only supports '{SigV4Signer.Algorithm}'";
            return null;
        }
        var missing = RequiredQuery.Where(n => Get(n).Length == 0).ToList();
        if (missing.Count > 0)
        {
            error = $"AWS query-string parameters missing: {string.Join(", ", missing)}";
            return null;
        }
        if (!int.TryParse(Get("X-Amz-Expires"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > 604800)
        {
            error = "X-Amz-Expires must be a whole number of seconds no greater than 604800";
            return null;
        }
        return Build(Get("X-Amz-Credential"), Get("X-Amz-SignedHeaders"), Get("X-Amz-Signature"), presigned: true,
            TimeSpan.FromSeconds(seconds), out error);
    }

    private static SigV4Authorization? Build(string credential, string signedHeaders, string signature, bool presigned,
        TimeSpan? expires, out string? error)
    {
        error = null;
        var parts = credential.Split('/');
        if (parts.Length != 5 || parts[4] != "aws4_request" || parts.Any(p => p.Length == 0))
        {
            error = $"Credential should be scoped to a valid region and service: 'AKID/YYYYMMDD/region/service/aws4_request', not '{credential}'.";
            return null;
        }
        var names = signedHeaders.Split(';');
        if (names.Any(n => n.Length == 0 || n.Any(char.IsAsciiLetterUpper)))
        {
            error = $"SignedHeaders must be lower-case names separated by ';', not '{signedHeaders}'.";
            return null;
        }
        if (!names.Contains("host"))
        {
            error = "'Host' must be a 'SignedHeader' in the AWS Authorization.";
            return null;
        }
        return new SigV4Authorization(parts[0], parts[1], parts[2], parts[3], names, signature, presigned, expires);
    }
}
