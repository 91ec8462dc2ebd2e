using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Lamina.Oci;

namespace Lamina.Images.Registry;

public sealed partial class RegistryClient
{
    private readonly ConcurrentDictionary<string, AuthenticationHeaderValue> authorizations = new(StringComparer.Ordinal);

    /// <summary>
    /// Sends a request built by <paramref name="build"/>, answering one 401 challenge: Bearer (fetch a token from
    /// the realm for the challenge's service and scope, with Basic credentials when we have them) or Basic.
    /// The resulting Authorization is cached per registry and repository. Non-success statuses become errors.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(ImageReference image, Func<HttpRequestMessage> build, string what, CancellationToken cancellationToken)
    {
        var key = image.Registry + "/" + image.Repository;
        for (var attempt = 0; ; attempt++)
        {
            using var request = build();
            if (authorizations.TryGetValue(key, out var auth)) request.Headers.Authorization = auth;
            HttpResponseMessage response;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(options.RequestTimeout);
                try
                {
                    response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                }
                catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    throw new ImageException(ImageErrorCode.RegistryUnavailable,
                        RegistryTls.Explain(e, image.Registry) ?? $"registry {image.Registry} unreachable for {what}: {e.Message}", e);
                }
            }
            if (response.IsSuccessStatusCode) return response;
            using (response)
            {
                if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 0)
                {
                    authorizations[key] = await AnswerChallengeAsync(image, response, cancellationToken);
                    continue;
                }
                var body = await ReadErrorAsync(response, cancellationToken);
                throw response.StatusCode switch
                {
                    HttpStatusCode.NotFound => new ImageException(ImageErrorCode.NotFound, $"{what} not found in {image.Registry}{body}"),
                    HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
                        new ImageException(ImageErrorCode.Unauthorized, $"registry {image.Registry} refused access to {what} ({(int)response.StatusCode}){body}"),
                    _ => new ImageException(ImageErrorCode.RegistryUnavailable, $"registry {image.Registry} answered {(int)response.StatusCode} for {what}{body}"),
                };
            }
        }
    }

    private async Task<AuthenticationHeaderValue> AnswerChallengeAsync(ImageReference image, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var credentials = options.Credentials?.Invoke(image.Registry);
        var challenges = response.Headers.WwwAuthenticate.Select(h => AuthChallenge.Parse(h.Scheme, h.Parameter)).ToList();
        var bearer = challenges.FirstOrDefault(c => c.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase));
        if (bearer is not null) return new AuthenticationHeaderValue("Bearer", await FetchTokenAsync(image, bearer, credentials, cancellationToken));
        if (challenges.Any(c => c.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase)))
        {
            if (credentials is null) throw new ImageException(ImageErrorCode.Unauthorized, $"registry {image.Registry} requires credentials (Basic) and none are configured");
            return Basic(credentials);
        }
        throw new ImageException(ImageErrorCode.Unauthorized, $"registry {image.Registry} answered 401 without a Bearer or Basic challenge");
    }

    private async Task<string> FetchTokenAsync(ImageReference image, AuthChallenge challenge, RegistryCredentials? credentials, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(challenge["realm"], UriKind.Absolute, out var realm) || realm.Scheme is not ("http" or "https"))
            throw new ImageException(ImageErrorCode.Unauthorized, $"registry {image.Registry} sent a Bearer challenge without a valid realm");
        var query = new StringBuilder();
        if (challenge["service"] is { } service) query.Append("service=").Append(Uri.EscapeDataString(service));
        var scope = challenge["scope"] ?? $"repository:{image.Repository}:pull";
        query.Append(query.Length > 0 ? "&" : "").Append("scope=").Append(Uri.EscapeDataString(scope));
        var url = new UriBuilder(realm) { Query = (realm.Query.Length > 1 ? realm.Query[1..] + "&" : "") + query }.Uri;
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (credentials is not null) request.Headers.Authorization = Basic(credentials);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new ImageException(ImageErrorCode.RegistryUnavailable, $"token realm {realm.Host} unreachable: {e.Message}", e);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
                throw new ImageException(ImageErrorCode.Unauthorized, $"token realm {realm.Host} refused {(credentials is null ? "anonymous" : credentials.Username)} for {scope} ({(int)response.StatusCode})");
            try
            {
                using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
                var token = doc.RootElement.TryGetProperty("token", out var t) ? t.GetString()
                    : doc.RootElement.TryGetProperty("access_token", out var a) ? a.GetString() : null;
                return string.IsNullOrEmpty(token)
                    ? throw new ImageException(ImageErrorCode.Unauthorized, $"token realm {realm.Host} answered without a token")
                    : token;
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                throw new ImageException(ImageErrorCode.Unauthorized, $"token realm {realm.Host} answered with invalid JSON", e);
            }
        }
    }

    private static AuthenticationHeaderValue Basic(RegistryCredentials c) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{c.Username}:{c.Password}")));

    /// <summary>The registry's error body, shortened, for the message; never more than one line's worth.</summary>
    private static async Task<string> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            text = text.ReplaceLineEndings(" ").Trim();
            return text.Length == 0 ? "" : ": " + (text.Length > 300 ? text[..300] + "…" : text);
        }
        catch (HttpRequestException)
        {
            return "";
        }
    }
}
