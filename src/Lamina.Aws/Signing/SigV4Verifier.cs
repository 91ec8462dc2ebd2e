using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Lamina.Aws.Signing;

/// <summary>
/// Verifies AWS Signature Version 4 (AWS4-HMAC-SHA256), header or presigned-query form.
/// <code>
/// Step 1  parse Authorization header / X-Amz-* query       → IncompleteSignature, MissingAuthenticationToken
/// Step 2  look up the access key's secret                   → UnrecognizedClient
/// Step 3  X-Amz-Date within the skew (or presigned expiry)  → RequestTimeTooSkewed, Expired
/// Step 4  scope date = X-Amz-Date day, region, service      → InvalidScope
/// Step 5  rebuild canonical request, recompute, compare in constant time → SignatureDoesNotMatch
/// </code>
/// Stateless and thread-safe; one instance per service.
/// </summary>
public sealed class SigV4Verifier(Func<string, string?> findSecret, SigV4VerifierOptions options, TimeProvider time)
{
    // The signing key changes once a day per secret and scope: derived once (four HMACs), not per request.
    private readonly SigV4KeyCache _keys = new();

    public SigV4VerifierOptions Options => options;

    public SigV4Result Verify(SigV4Request request)
    {
        // Step 1
        var query = ParseQuery(request.RawQuery);
        var header = request.GetHeader("authorization");
        SigV4Authorization? auth;
        string? error;
        string? amzDate;
        if (header is not null)
        {
            auth = SigV4Authorization.FromHeader(header, out error);
            amzDate = request.GetHeader("x-amz-date") ?? FromHttpDate(request.GetHeader("date"));
            if (auth is not null && amzDate is null)
                return SigV4Result.Fail(SigV4Error.IncompleteSignature, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }
        else if (query.ContainsKey("X-Amz-Algorithm") || query.ContainsKey("X-Amz-Signature"))
        {
            auth = SigV4Authorization.FromQuery(query, out error);
            amzDate = query.GetValueOrDefault("X-Amz-Date");
        }
        else
        {
            return SigV4Result.Fail(SigV4Error.MissingAuthenticationToken, "Missing Authentication Token");
        }
        if (auth is null) return SigV4Result.Fail(SigV4Error.IncompleteSignature, error!);
        if (!DateTimeOffset.TryParseExact(amzDate, SigV4Signer.AmzDateFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var signedAt))
            return SigV4Result.Fail(SigV4Error.IncompleteSignature, $"Date must be in ISO-8601 'basic format'. Got '{amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601");

        // Step 2
        var secret = findSecret(auth.AccessKeyId);
        if (secret is null) return SigV4Result.Fail(SigV4Error.UnrecognizedClient, "The security token included in the request is invalid.");

        // Step 3
        var now = time.GetUtcNow();
        var skew = options.MaxClockSkew;
        if (auth.Presigned)
        {
            if (now < signedAt - skew)
                return SigV4Result.Fail(SigV4Error.RequestTimeTooSkewed, $"Request is not yet valid: signed at {amzDate}.");
            if (now > signedAt + auth.Expires!.Value)
                return SigV4Result.Fail(SigV4Error.Expired, $"Request has expired: signed at {amzDate}, valid for {auth.Expires.Value.TotalSeconds} seconds.");
        }
        else if (signedAt < now - skew)
        {
            return SigV4Result.Fail(SigV4Error.RequestTimeTooSkewed,
                $"Signature expired: {amzDate} is now earlier than {Format(now - skew)} ({Format(now)} - {skew.TotalMinutes} min.)");
        }
        else if (signedAt > now + skew)
        {
            return SigV4Result.Fail(SigV4Error.RequestTimeTooSkewed,
                $"Signature not yet current: {amzDate} is still later than {Format(now + skew)} ({Format(now)} + {skew.TotalMinutes} min.)");
        }

        // Step 4
        if (auth.ScopeDate != amzDate![..8])
            return SigV4Result.Fail(SigV4Error.InvalidScope, $"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{auth.ScopeDate}' != '{amzDate[..8]}', from '{amzDate}'.");
        if (options.Region is not null && auth.Region != options.Region)
            return SigV4Result.Fail(SigV4Error.InvalidScope, $"Credential should be scoped to a valid region, not '{auth.Region}'. Expected '{options.Region}'.");
        if (auth.Service != options.Service)
            return SigV4Result.Fail(SigV4Error.InvalidScope, $"Credential should be scoped to correct service: '{options.Service}'.");

        // Step 5
        return Matches(request, auth, amzDate, secret)
            ? SigV4Result.Ok(auth.AccessKeyId)
            : SigV4Result.Fail(SigV4Error.SignatureDoesNotMatch,
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
    }

    private bool Matches(SigV4Request request, SigV4Authorization auth, string amzDate, string secret)
    {
        var provided = Encoding.ASCII.GetBytes(auth.Signature);
        if (provided.Length != 64) return false;
        var key = _keys.Get(secret, auth.ScopeDate, auth.Region, auth.Service);
        var canonicalQuery = SigV4Canonical.CanonicalQuery(request.RawQuery, auth.Presigned ? "X-Amz-Signature" : null);
        var headers = SigV4Signer.CanonicalHeaders(auth.SignedHeaders, request.GetHeaderValues);
        var signedHeaders = string.Join(';', auth.SignedHeaders);

        // Clients differ in two details the server cannot know in advance: S3-style single encoding of the
        // path, and presigned requests that sign no payload. Every candidate is checked in constant time.
        var uris = new List<string> { SigV4Canonical.CanonicalUri(request.RawPath) };
        var single = SigV4Canonical.CanonicalUri(request.RawPath, doubleEncode: false);
        if (single != uris[0]) uris.Add(single);
        var payloads = new List<string>();
        var declared = request.GetHeader("x-amz-content-sha256");
        if (declared is null) payloads.Add(request.PayloadHash);
        else if (declared == request.PayloadHash || !IsHex64(declared)) payloads.Add(declared);
        else return false; // declared a hash of a body other than the one received
        if (auth.Presigned && declared is null) payloads.Add(SigV4Signer.UnsignedPayload);

        var matched = false;
        foreach (var uri in uris)
        {
            foreach (var payload in payloads)
            {
                var canonical = SigV4Signer.CanonicalRequest(request.Method, uri, canonicalQuery, headers, signedHeaders, payload);
                var expected = SigV4Signer.Signature(key, SigV4Signer.StringToSign(amzDate, auth.Scope, canonical));
                matched |= CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), provided);
            }
        }
        return matched;
    }

    private static bool IsHex64(string value) => value.Length == 64 && value.All(char.IsAsciiHexDigit);

    private static string Format(DateTimeOffset t) => t.UtcDateTime.ToString(SigV4Signer.AmzDateFormat, CultureInfo.InvariantCulture);

    private static string? FromHttpDate(string? date) =>
        date is not null && DateTimeOffset.TryParse(date, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? Format(parsed)
            : null;

    private static Dictionary<string, string> ParseQuery(string rawQuery)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var query = rawQuery.StartsWith('?') ? rawQuery[1..] : rawQuery;
        foreach (var part in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(eq < 0 ? part : part[..eq]);
            result.TryAdd(name, eq < 0 ? "" : Uri.UnescapeDataString(part[(eq + 1)..]));
        }
        return result;
    }
}
