using System.Text;
using System.Text.Json.Nodes;
using Lamina.Aws.Protocol;
using Lamina.Registry.Auth;
using Microsoft.AspNetCore.Http;

namespace Lamina.Registry.Ecr;

public sealed partial class EcrService
{
    /// <summary>
    /// A 12-hour registry token granting everything, as <c>base64("AWS:" + token)</c>: what
    /// <c>aws ecr get-login-password</c> decodes and splits on ':' to print the password.
    /// </summary>
    private AwsJsonResponse GetAuthorizationToken(HttpContext http)
    {
        var (token, claims) = tokens.Issue([TokenAccess.All], RegistryTokenService.LongLifetime);
        var data = new JsonObject
        {
            ["authorizationToken"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(RegistryCredentialChecker.TokenUser + ":" + token)),
            ["expiresAt"] = JsonValue.Create(claims.ExpiresAt),
            ["proxyEndpoint"] = $"{http.Request.Scheme}://{RegistryHost(http)}",
        };
        return AwsJsonResponse.Ok(new JsonObject { ["authorizationData"] = new JsonArray(data) });
    }
}
