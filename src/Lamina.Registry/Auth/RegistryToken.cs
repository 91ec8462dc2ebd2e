using System.Text.Json.Serialization;

namespace Lamina.Registry.Auth;

/// <summary>
/// The claims of a Lamina registry token (the payload of an HS256 JWT). <see cref="Kind"/> keeps refresh
/// tokens (OAuth2 <c>refresh_token</c>, docker's identity token) from being used as access tokens.
/// </summary>
public sealed record RegistryToken(
    [property: JsonPropertyName("iss")] string Issuer,
    [property: JsonPropertyName("sub")] string Subject,
    [property: JsonPropertyName("aud")] string Audience,
    [property: JsonPropertyName("iat")] long IssuedAt,
    [property: JsonPropertyName("exp")] long ExpiresAt,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("access")] IReadOnlyList<TokenAccess> Access)
{
    public const string AccessKind = "access";
    public const string RefreshKind = "refresh";

    public bool Allows(string type, string name, string action) => Access.Any(a => a.Allows(type, name, action));
}

[JsonSerializable(typeof(RegistryToken))]
[JsonSerializable(typeof(TokenHeader))]
internal sealed partial class RegistryTokenJson : JsonSerializerContext;

internal sealed record TokenHeader(
    [property: JsonPropertyName("alg")] string Algorithm,
    [property: JsonPropertyName("typ")] string Type);
