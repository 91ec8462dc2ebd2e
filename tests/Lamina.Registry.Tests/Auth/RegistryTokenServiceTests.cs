using System.Text;
using Lamina.Aws;
using Lamina.Registry.Auth;

namespace Lamina.Registry.Tests.Auth;

public class RegistryTokenServiceTests
{
    private static readonly Credentials Creds = new("AKIDTOKENS", "token/secret+0123456789", "us-east-1", "000000000000");
    private readonly FixedTime _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private RegistryTokenService Service(Credentials? creds = null) => new(creds ?? Creds, _time);

    [Fact]
    public void An_issued_token_verifies_with_its_scopes_and_carries_no_colon()
    {
        var (token, claims) = Service().Issue(TokenAccess.ParseScopes(["repository:team/app:pull,push"]), TimeSpan.FromHours(1));
        Assert.DoesNotContain(':', token);
        Assert.Equal(3, token.Split('.').Length);
        var verified = Service().Verify(token);
        Assert.True(verified.IsValid, verified.Error);
        Assert.Equal(claims, verified.Claims! with { Access = claims.Access });
        Assert.True(verified.Claims!.Allows("repository", "team/app", "push"));
        Assert.False(verified.Claims.Allows("repository", "team/app", "delete"));
        Assert.False(verified.Claims.Allows("repository", "team/other", "pull"));
    }

    [Fact]
    public void A_new_service_with_the_same_secret_accepts_old_tokens_and_another_secret_does_not()
    {
        var (token, _) = Service().Issue([TokenAccess.All], TimeSpan.FromHours(1));
        Assert.True(Service().Verify(token).IsValid);
        var rotated = Service(Creds with { SecretAccessKey = "rotated" }).Verify(token);
        Assert.False(rotated.IsValid);
        Assert.Equal("invalid token signature", rotated.Error);
    }

    [Fact]
    public void A_token_expires_at_its_lifetime()
    {
        var service = Service();
        var (token, _) = service.Issue([TokenAccess.All], TimeSpan.FromHours(1));
        _time.Now += TimeSpan.FromMinutes(59);
        Assert.True(service.Verify(token).IsValid);
        _time.Now += TimeSpan.FromMinutes(1);
        var expired = service.Verify(token);
        Assert.False(expired.IsValid);
        Assert.Equal("token has expired", expired.Error);
    }

    [Fact]
    public void A_tampered_payload_or_signature_is_refused()
    {
        var service = Service();
        var (token, _) = service.Issue(TokenAccess.ParseScopes(["repository:app:pull"]), TimeSpan.FromHours(1));
        var parts = token.Split('.');
        // Grant ourselves everything by swapping in another payload: the signature no longer matches.
        var (other, _) = service.Issue([TokenAccess.All], TimeSpan.FromHours(1));
        Assert.Equal("invalid token signature", service.Verify($"{parts[0]}.{other.Split('.')[1]}.{parts[2]}").Error);
        var flipped = parts[2][..^2] + (parts[2][^2] == 'A' ? 'B' : 'A') + parts[2][^1];
        Assert.False(service.Verify($"{parts[0]}.{parts[1]}.{flipped}").IsValid);
        Assert.Equal("malformed token", service.Verify("not-a-token").Error);
        Assert.False(service.Verify(parts[0] + "." + parts[1] + ".").IsValid);
        Assert.False(service.Verify(parts[0] + "." + parts[1] + "." + new string('A', 400)).IsValid);
    }

    [Fact]
    public void A_refresh_token_is_not_an_access_token_and_vice_versa()
    {
        var service = Service();
        var (refresh, _) = service.Issue([TokenAccess.All], TimeSpan.FromHours(1), RegistryToken.RefreshKind);
        Assert.False(service.Verify(refresh).IsValid);
        Assert.True(service.Verify(refresh, RegistryToken.RefreshKind).IsValid);
        var (access, _) = service.Issue([TokenAccess.All], TimeSpan.FromHours(1));
        Assert.False(service.Verify(access, RegistryToken.RefreshKind).IsValid);
    }

    [Fact]
    public void Scopes_grant_only_what_was_asked_and_understood()
    {
        var scopes = TokenAccess.ParseScopes(["repository:a/b:pull,push,frobnicate repository:UPPER:pull", "registry:catalog:*", "repository(plugin):c:pull", "junk", "repository:d:"]);
        Assert.Equal(["repository:a/b:pull,push", "registry:catalog:*", "repository:c:pull"], scopes.Select(s => s.ToScope()));
    }

    [Fact]
    public void Basic_credentials_parse_and_malformed_ones_are_null()
    {
        Assert.Equal(new BasicCredentials("AWS", "a:b"), BasicCredentials.Parse("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("AWS:a:b"))));
        Assert.Null(BasicCredentials.Parse("Basic !!!"));
        Assert.Null(BasicCredentials.Parse("Basic " + Convert.ToBase64String("nocolon"u8)));
        Assert.Null(BasicCredentials.Parse("Bearer x"));
        Assert.Null(BasicCredentials.Parse(null));
    }
}
