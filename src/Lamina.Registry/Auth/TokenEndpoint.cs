using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Lamina.Registry.Auth;

/// <summary>
/// <c>/v2/token</c>, the token server of the distribution Bearer flow.
/// <code>
/// GET  /v2/token?service=lamina&amp;scope=repository:NAME:pull,push[&amp;offline_token=true]   Basic credentials
/// POST /v2/token  (form) grant_type=password&amp;username&amp;password | grant_type=refresh_token&amp;refresh_token
///                        service, scope (space-separated), access_type=offline
/// → 200 {"token","access_token","expires_in","issued_at"[,"refresh_token"][,"scope"]}
/// </code>
/// Every scope asked for and understood is granted (one user owns the registry); bad credentials → 401.
/// </summary>
public sealed class TokenEndpoint(RegistryCredentialChecker checker, RegistryTokenService tokens)
{
    public async Task GetAsync(HttpContext context)
    {
        var basic = BasicCredentials.Parse(context.Request.Headers.Authorization.ToString());
        if (basic is null)
        {
            await RefuseAsync(context, "authentication required: send the access key pair, or AWS and an ECR token, as Basic credentials");
            return;
        }
        var (access, error) = checker.Check(basic.Value);
        if (access is null)
        {
            await RefuseAsync(context, error!);
            return;
        }
        var offline = string.Equals(context.Request.Query["offline_token"], "true", StringComparison.OrdinalIgnoreCase);
        await IssueAsync(context, context.Request.Query["scope"].ToArray(), offline, oauth: false);
    }

    public async Task PostAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsJsonAsync(new { error = "invalid_request", error_description = "expected an application/x-www-form-urlencoded body" });
            return;
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        switch (form["grant_type"].ToString())
        {
            case "password":
                var (access, error) = checker.Check(new BasicCredentials(form["username"].ToString(), form["password"].ToString()));
                if (access is null) { await RefuseAsync(context, error!); return; }
                break;
            case "refresh_token":
                var refresh = tokens.Verify(form["refresh_token"].ToString(), RegistryToken.RefreshKind);
                if (!refresh.IsValid) { await RefuseAsync(context, "invalid refresh token: " + refresh.Error); return; }
                break;
            default:
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await context.Response.WriteAsJsonAsync(new { error = "unsupported_grant_type", error_description = "grant_type must be password or refresh_token" });
                return;
        }
        var offline = form["access_type"].ToString() == "offline";
        await IssueAsync(context, [form["scope"].ToString()], offline, oauth: true);
    }

    private async Task IssueAsync(HttpContext context, string?[] scopes, bool offline, bool oauth)
    {
        var granted = TokenAccess.ParseScopes(scopes);
        var (token, claims) = tokens.Issue(granted, RegistryTokenService.AccessTokenLifetime);
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartObject();
        writer.WriteString("token", token);
        writer.WriteString("access_token", token);
        writer.WriteNumber("expires_in", (long)RegistryTokenService.AccessTokenLifetime.TotalSeconds);
        writer.WriteString("issued_at", DateTimeOffset.FromUnixTimeSeconds(claims.IssuedAt).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        if (oauth) writer.WriteString("scope", string.Join(' ', granted.Select(g => g.ToScope())));
        if (offline)
        {
            var (refresh, _) = tokens.Issue([TokenAccess.All], RegistryTokenService.LongLifetime, RegistryToken.RefreshKind);
            writer.WriteString("refresh_token", refresh);
        }
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }

    private static async Task RefuseAsync(HttpContext context, string message)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = $"Basic realm=\"{RegistryChallenge.Service}\"";
        await RegistryChallenge.WriteErrorAsync(context, message);
    }
}
