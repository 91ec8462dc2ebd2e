using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Lamina.Control.Urls;

/// <summary>
/// Which function URL a request is for. One port serves everything, so a URL is recognised two ways:
/// <code>
/// Host: &lt;url-id&gt;.lambda-url.&lt;region&gt;.localhost[:port]   path as sent         (AWS's shape, *.localhost resolves to loopback)
/// /lamina/url/&lt;url-id&gt;/rest/of/path                        rawPath /rest/of/path (clients that cannot set Host)
/// </code>
/// A URL id is 32 lower-case letters and digits, as AWS's.
/// </summary>
public sealed record UrlRoute(string UrlId, string RawPath, string RawQuery, string DomainName)
{
    /// <summary>The path prefix of the path form.</summary>
    public const string PathPrefix = "/lamina/url/";

    /// <summary>The route of a function URL request, or null when the request is for something else.</summary>
    public static UrlRoute? Match(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "/";
        var question = target.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? target : target[..question];
        var query = question < 0 ? "" : target[(question + 1)..];
        var host = context.Request.Host.Host;
        var dot = host.IndexOf(".lambda-url.", StringComparison.OrdinalIgnoreCase);
        if (dot > 0 && host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase) && IsUrlId(host[..dot].ToLowerInvariant()))
            return new UrlRoute(host[..dot].ToLowerInvariant(), path.Length == 0 ? "/" : path, query, context.Request.Host.Value ?? host);
        if (!path.StartsWith(PathPrefix, StringComparison.Ordinal)) return null;
        var rest = path[PathPrefix.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var id = slash < 0 ? rest : rest[..slash];
        if (!IsUrlId(id)) return null;
        return new UrlRoute(id, slash < 0 ? "/" : rest[slash..], query, $"{id}.lambda-url.localhost");
    }

    /// <summary>The URL the configuration API reports: the path form on the address the caller used.</summary>
    public static string PublicUrl(HttpRequest request, string urlId) => $"{request.Scheme}://{request.Host}{PathPrefix}{urlId}/";

    private static bool IsUrlId(string value) =>
        value.Length == 32 && value.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'z');
}
