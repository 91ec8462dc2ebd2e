using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Lamina.Cli.Client;

namespace Lamina.Cli.Push;

/// <summary>
/// Works out the Authorization header for one repository: probes GET /v2/, then answers a Basic challenge
/// with the keys, or a Bearer challenge by fetching a pull,push token from the realm with the keys.
/// </summary>
internal static class RegistryAuth
{
    public static async Task<AuthenticationHeaderValue?> AuthorizeAsync(HttpClient http, ConnectionSettings settings, string repository, CancellationToken ct)
    {
        var basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{settings.AccessKeyId}:{settings.SecretAccessKey}")));
        using var probe = await http.GetAsync("/v2/", ct);
        if (probe.StatusCode != HttpStatusCode.Unauthorized) return null;
        var challenge = probe.Headers.WwwAuthenticate.FirstOrDefault();
        if (challenge is null || challenge.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase)) return basic;

        var parameters = ParseParameters(challenge.Parameter ?? "");
        if (!parameters.TryGetValue("realm", out var realm))
            throw new CliException(ExitCodes.RemoteError, $"the registry's Bearer challenge has no realm: {challenge}");
        var query = new List<string>();
        if (parameters.TryGetValue("service", out var service)) query.Add("service=" + Uri.EscapeDataString(service));
        query.Add("scope=" + Uri.EscapeDataString($"repository:{repository}:pull,push"));
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(realm, UriKind.RelativeOrAbsolute).IsAbsoluteUri
            ? new Uri(realm) : new Uri(http.BaseAddress!, realm), "?" + string.Join('&', query)));
        tokenRequest.Headers.Authorization = basic;
        using var tokenResponse = await http.SendAsync(tokenRequest, ct);
        var body = await tokenResponse.Content.ReadAsStringAsync(ct);
        if (!tokenResponse.IsSuccessStatusCode) throw RemoteError.From(tokenResponse, body, settings);
        using var doc = JsonDocument.Parse(body);
        var token = doc.RootElement.TryGetProperty("token", out var t) ? t.GetString()
            : doc.RootElement.TryGetProperty("access_token", out var at) ? at.GetString() : null;
        return token is null ? throw new CliException(ExitCodes.RemoteError, "the registry's token endpoint answered without a token.")
            : new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>Parses <c>realm="…",service="…",scope="…"</c>.</summary>
    private static Dictionary<string, string> ParseParameters(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        while (i < text.Length)
        {
            var eq = text.IndexOf('=', i);
            if (eq < 0) break;
            var key = text[i..eq].Trim().TrimStart(',').Trim();
            i = eq + 1;
            string value;
            if (i < text.Length && text[i] == '"')
            {
                var end = text.IndexOf('"', i + 1);
                if (end < 0) end = text.Length;
                value = text[(i + 1)..end];
                i = end + 1;
            }
            else
            {
                var end = text.IndexOf(',', i);
                if (end < 0) end = text.Length;
                value = text[i..end];
                i = end;
            }
            result[key] = value;
            while (i < text.Length && (text[i] == ',' || text[i] == ' ')) i++;
        }
        return result;
    }
}
