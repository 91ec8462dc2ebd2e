using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Lamina.Registry.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace Lamina.Registry.Tests.Auth;

/// <summary>Basic, the Bearer flow done by hand as docker does it, and refusals, over real HTTP.</summary>
public sealed class AuthOverHttpTests : IAsyncLifetime
{
    private AuthTestApp _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _app = await AuthTestApp.StartAsync();
        _http = _app.Client();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    private static BasicCredentials Keys => new(AuthTestApp.Creds.AccessKeyId, AuthTestApp.Creds.SecretAccessKey);

    private async Task<HttpResponseMessage> GetAsync(string path, string? authorization = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return await _http.SendAsync(request);
    }

    private static async Task AssertUnauthorizedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors")[0];
        Assert.Equal("UNAUTHORIZED", error.GetProperty("code").GetString());
    }

    /// <summary>Parses <c>Bearer realm="…",service="…",scope="…"</c>.</summary>
    private static Dictionary<string, string> Challenge(HttpResponseMessage response)
    {
        var header = response.Headers.WwwAuthenticate.Single();
        Assert.Equal("Bearer", header.Scheme);
        return header.Parameter!.Split("\",").Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1].Trim('"'));
    }

    [Fact]
    public async Task An_unauthenticated_request_gets_a_bearer_challenge_naming_realm_service_and_scope()
    {
        using var response = await GetAsync("/v2/team/app/push");
        await AssertUnauthorizedAsync(response);
        var challenge = Challenge(response);
        Assert.Equal(new Uri(_app.BaseAddress, "/v2/token").ToString(), challenge["realm"]);
        Assert.Equal("lamina", challenge["service"]);
        Assert.Equal("repository:team/app:pull,push", challenge["scope"]);
    }

    [Fact]
    public async Task Basic_with_the_access_key_pair_is_allowed_and_a_wrong_secret_is_not()
    {
        using var ok = await GetAsync("/v2/app/push", Keys.ToHeader());
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using var bad = await GetAsync("/v2/app/push", (Keys with { Password = "wrong" }).ToHeader());
        await AssertUnauthorizedAsync(bad);
        using var garbage = await GetAsync("/v2/app/pull", "Basic %%%");
        await AssertUnauthorizedAsync(garbage);
    }

    [Fact]
    public async Task The_bearer_flow_by_hand_grants_exactly_the_requested_scope()
    {
        using var challenged = await GetAsync("/v2/team/app/pull");
        var c = Challenge(challenged);
        using var tokenResponse = await GetAsync($"{c["realm"]}?service={c["service"]}&scope={Uri.EscapeDataString(c["scope"])}", Keys.ToHeader());
        Assert.Equal(HttpStatusCode.OK, tokenResponse.StatusCode);
        var json = JsonDocument.Parse(await tokenResponse.Content.ReadAsStringAsync()).RootElement;
        var token = json.GetProperty("token").GetString()!;
        Assert.Equal(token, json.GetProperty("access_token").GetString());
        Assert.Equal(3600, json.GetProperty("expires_in").GetInt32());
        Assert.True(DateTimeOffset.TryParse(json.GetProperty("issued_at").GetString(), out _));

        using var pull = await GetAsync("/v2/team/app/pull", "Bearer " + token);
        Assert.Equal(HttpStatusCode.OK, pull.StatusCode);
        using var versionCheck = await GetAsync("/v2/", "Bearer " + token);
        Assert.Equal(HttpStatusCode.OK, versionCheck.StatusCode);

        using var push = await GetAsync("/v2/team/app/push", "Bearer " + token);
        await AssertUnauthorizedAsync(push);
        Assert.Contains("error=\"insufficient_scope\"", push.Headers.WwwAuthenticate.Single().Parameter, StringComparison.Ordinal);
        using var other = await GetAsync("/v2/team/other/pull", "Bearer " + token);
        await AssertUnauthorizedAsync(other);
        using var tampered = await GetAsync("/v2/team/app/pull", "Bearer " + token[..^3] + "AAA");
        await AssertUnauthorizedAsync(tampered);
        Assert.Contains("error=\"invalid_token\"", tampered.Headers.WwwAuthenticate.Single().Parameter, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_token_endpoint_refuses_missing_and_bad_credentials_with_401()
    {
        using var none = await GetAsync("/v2/token?service=lamina&scope=repository:app:pull");
        await AssertUnauthorizedAsync(none);
        Assert.Equal("Basic", none.Headers.WwwAuthenticate.Single().Scheme);
        using var bad = await GetAsync("/v2/token?service=lamina", (Keys with { Password = "nope" }).ToHeader());
        await AssertUnauthorizedAsync(bad);
        using var badToken = await GetAsync("/v2/token?service=lamina", new BasicCredentials("AWS", "a.b.c").ToHeader());
        await AssertUnauthorizedAsync(badToken);
    }

    [Fact]
    public async Task An_ecr_token_works_as_the_AWS_password_for_requests_and_for_the_token_endpoint()
    {
        var (ecrToken, _) = _app.Services.GetRequiredService<RegistryTokenService>().Issue([TokenAccess.All], RegistryTokenService.LongLifetime);
        var basic = new BasicCredentials("AWS", ecrToken).ToHeader();
        using var push = await GetAsync("/v2/any/repo/push", basic);
        Assert.Equal(HttpStatusCode.OK, push.StatusCode);
        using var token = await GetAsync("/v2/token?service=lamina&scope=repository:any/repo:pull,push", basic);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
    }

    [Fact]
    public async Task The_oauth2_post_form_issues_tokens_and_refresh_tokens()
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["username"] = Keys.User, ["password"] = Keys.Password,
            ["service"] = "lamina", ["scope"] = "repository:app:pull,push", ["access_type"] = "offline", ["client_id"] = "docker",
        });
        using var response = await _http.PostAsync(new Uri("/v2/token", UriKind.Relative), form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("repository:app:pull,push", json.GetProperty("scope").GetString());
        var refresh = json.GetProperty("refresh_token").GetString()!;

        // The refresh token is not an access token…
        using var misuse = await GetAsync("/v2/app/pull", "Bearer " + refresh);
        await AssertUnauthorizedAsync(misuse);
        // …but buys a new one.
        using var refreshForm = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["refresh_token"] = refresh, ["service"] = "lamina", ["scope"] = "repository:app:pull",
        });
        using var refreshed = await _http.PostAsync(new Uri("/v2/token", UriKind.Relative), refreshForm);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var access = JsonDocument.Parse(await refreshed.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString();
        using var pull = await GetAsync("/v2/app/pull", "Bearer " + access);
        Assert.Equal(HttpStatusCode.OK, pull.StatusCode);

        using var badForm = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "password", ["username"] = "x", ["password"] = "y" });
        using var bad = await _http.PostAsync(new Uri("/v2/token", UriKind.Relative), badForm);
        await AssertUnauthorizedAsync(bad);
        using var unsupported = await _http.PostAsync(new Uri("/v2/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "magic" }));
        Assert.Equal(HttpStatusCode.BadRequest, unsupported.StatusCode);
    }
    [Theory]
    [InlineData("Bearer ")]
    [InlineData("Bearer a.b.c")]
    [InlineData("Bearer eyJhbGciOiJIUzI1NiJ9.!!!.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("Bearer ....")]
    [InlineData("Basic")]
    [InlineData("Basic ====")]
    [InlineData("Basic QVdTOg==")]
    [InlineData("Basic QVdTOmEuYi5j")]
    [InlineData("Digest username=x")]
    [InlineData("AWS4-HMAC-SHA256 Credential=x")]
    public async Task Malformed_authorization_is_a_401_never_a_500(string authorization)
    {
        using var response = await GetAsync("/v2/app/pull", authorization);
        await AssertUnauthorizedAsync(response);
        using var token = await GetAsync("/v2/token?service=lamina&scope=repository:app:pull", authorization);
        await AssertUnauthorizedAsync(token);
    }
}
