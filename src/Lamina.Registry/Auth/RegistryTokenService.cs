using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lamina.Aws;

namespace Lamina.Registry.Auth;

/// <summary>
/// Issues and verifies registry tokens: HS256 JWTs (<c>header.payload.signature</c>, base64url, so never a ':'
/// and safe as the password of <c>AWS:TOKEN</c>). The key is HMAC-SHA256(secret access key, fixed label), so
/// tokens survive restarts, need no storage, and all die when the secret is rotated.
/// </summary>
public sealed class RegistryTokenService
{
    public const string Issuer = "lamina";
    public const string Audience = "lamina";

    /// <summary>Lifetime of tokens from /v2/token; clients fetch a new one when it runs out.</summary>
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromHours(1);

    /// <summary>Lifetime of ECR authorization tokens and refresh tokens, as ECR's: 12 hours.</summary>
    public static readonly TimeSpan LongLifetime = TimeSpan.FromHours(12);

    private static readonly byte[] HeaderPart = Encoding.ASCII.GetBytes(Base64Url.EncodeToString(
        JsonSerializer.SerializeToUtf8Bytes(new TokenHeader("HS256", "JWT"), RegistryTokenJson.Default.TokenHeader)));

    private readonly byte[] _key;
    private readonly TimeProvider _time;
    private readonly string _subject;

    public RegistryTokenService(Credentials credentials, TimeProvider time)
    {
        _key = HMACSHA256.HashData(Encoding.UTF8.GetBytes(credentials.SecretAccessKey), "lamina registry token v1"u8);
        _time = time;
        _subject = credentials.AccessKeyId;
    }

    /// <summary>Issues a token granting <paramref name="access"/> for <paramref name="lifetime"/> from now.</summary>
    public (string Token, RegistryToken Claims) Issue(IReadOnlyList<TokenAccess> access, TimeSpan lifetime, string kind = RegistryToken.AccessKind)
    {
        var now = _time.GetUtcNow();
        var claims = new RegistryToken(Issuer, _subject, Audience, now.ToUnixTimeSeconds(), (now + lifetime).ToUnixTimeSeconds(), kind, access);
        var payload = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(claims, RegistryTokenJson.Default.RegistryToken));
        var signed = Encoding.ASCII.GetString(HeaderPart) + "." + payload;
        var signature = Base64Url.EncodeToString(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(signed)));
        return (signed + "." + signature, claims);
    }

    /// <summary>Verifies signature, audience, kind and expiry; returns the claims or why the token is refused.</summary>
    public TokenVerification Verify(string token, string kind = RegistryToken.AccessKind)
    {
        var parts = token.Split('.');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0) return TokenVerification.Fail("malformed token");
        // An HMAC-SHA256 is 32 bytes: exactly 43 base64url characters without padding.
        Span<byte> provided = stackalloc byte[32];
        if (parts[2].Length != 43 || !Base64Url.IsValid(parts[2]) || Base64Url.DecodeFromChars(parts[2], provided) != 32)
            return TokenVerification.Fail("malformed token signature");
        var expected = HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
        if (!CryptographicOperations.FixedTimeEquals(expected, provided)) return TokenVerification.Fail("invalid token signature");

        RegistryToken? claims;
        try
        {
            claims = JsonSerializer.Deserialize(Base64Url.DecodeFromChars(parts[1]), RegistryTokenJson.Default.RegistryToken);
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return TokenVerification.Fail("malformed token payload");
        }
        if (claims is null || claims.Access is null) return TokenVerification.Fail("malformed token payload");
        if (claims.Audience != Audience || claims.Issuer != Issuer) return TokenVerification.Fail("token is for another service");
        if (claims.Kind != kind) return TokenVerification.Fail($"a {claims.Kind} token cannot be used as a {kind} token");
        if (_time.GetUtcNow().ToUnixTimeSeconds() >= claims.ExpiresAt) return TokenVerification.Fail("token has expired");
        return new TokenVerification(claims, null);
    }
}

/// <summary>The claims of a verified token, or the reason it was refused.</summary>
public readonly record struct TokenVerification(RegistryToken? Claims, string? Error)
{
    public bool IsValid => Claims is not null;

    public static TokenVerification Fail(string error) => new(null, error);
}
