using System.Security.Cryptography;
using System.Text;
using Lamina.Aws;
using Lamina.Registry.Auth;
using Microsoft.AspNetCore.Http;

namespace Lamina.Control.Metrics;

/// <summary>
/// Who may read /metrics and /lamina/api/v1: everyone when the server runs with --no-auth; otherwise a
/// request with HTTP Basic <c>ACCESS_KEY_ID:SECRET_ACCESS_KEY</c> (what Prometheus' basic_auth and the
/// console send, the same pair the registry accepts) or a SigV4 signature for service <c>lambda</c>.
/// </summary>
public static class ApiAccess
{
    public const string SigningName = "lambda";

    public static bool Allowed(HttpContext context, AwsRequestAuthenticator auth)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(auth);
        if (!auth.Enabled) return true;
        var header = context.Request.Headers.Authorization.ToString();
        if (BasicCredentials.Parse(header) is { } basic)
        {
            return Same(basic.User, auth.Credentials.AccessKeyId) & Same(basic.Password, auth.Credentials.SecretAccessKey);
        }
        return header.StartsWith("AWS4-HMAC-SHA256", StringComparison.Ordinal) && auth.Verify(context, SigningName, []).IsAuthentic;
    }

    private static bool Same(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
