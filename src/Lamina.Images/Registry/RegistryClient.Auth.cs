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
                var status = (int)response.StatusCode;
                var (parsed, raw) = await ReadErrorAsync(response, cancellationToken);
                var said = (parsed ?? raw) is { } text ? ": " + text : "";
                throw response.StatusCode switch
                {
                    HttpStatusCode.NotFound => new ImageException(ImageErrorCode.NotFound, $"{what}: {parsed ?? $"not found ({status}){said}"}"),
                    HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
                        new ImageException(ImageErrorCode.Unauthorized, $"{what}: registry refused access ({status}){said}"),
                    _ => new ImageException(ImageErrorCode.RegistryUnavailable, $"{what}: registry answered {status}{said}"),
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

    /// <summary>
    /// What an error answer said, for a one-line message: <c>Parsed</c> is the OCI error body
    /// (<c>{"errors":[{"code","message","detail"}]}</c>) as <c>CODE: message</c> (several joined by "; "), null when the
    /// body is not one; <c>Raw</c> is then the body itself on one line, cut to <see cref="MaxRawErrorChars"/> (null when empty).
    /// </summary>
    private static async Task<(string? Parsed, string? Raw)> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await ReadErrorTextAsync(response, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return (null, null);
        }
        if (DescribeErrors(text) is { } parsed) return (parsed, null);
        var line = OneLine(text);
        return (null, line.Length == 0 ? null : Cut(line));
    }

    private static string OneLine(string text) => string.Concat(text.Select(c => char.IsControl(c) ? ' ' : c)).Trim();
    private static string Cut(string text) => text.Length > MaxRawErrorChars ? text[..MaxRawErrorChars] + "…" : text;

    private const int MaxRawErrorChars = 200;
    private const int MaxErrorBodyBytes = 64 * 1024;

    /// <summary>At most <see cref="MaxErrorBodyBytes"/> of the body: a registry's error page is read, never an endless stream.</summary>
    private static async Task<string> ReadErrorTextAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxErrorBodyBytes];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0) length += read;
        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    /// <summary>The OCI error body as <c>CODE: message</c>; a missing message falls back to a string detail. Null when not that shape.</summary>
    private static string? DescribeErrors(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("errors", out var errors) ||
                errors.ValueKind != JsonValueKind.Array)
                return null;
            var parts = new List<string>();
            foreach (var error in errors.EnumerateArray())
            {
                if (error.ValueKind != JsonValueKind.Object) continue;
                var code = Text(error, "code");
                var message = Text(error, "message") ?? Text(error, "detail");
                if (code is null && message is null) continue;
                parts.Add(code is null ? message! : message is null ? code : $"{code}: {message}");
            }
            var joined = string.Join("; ", parts.Distinct(StringComparer.Ordinal));
            return joined.Length == 0 ? null : Cut(joined);
        }
        catch (JsonException)
        {
            return null;
        }

        static string? Text(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s
                ? OneLine(s)
                : null;
    }
}
