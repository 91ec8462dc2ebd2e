using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Lamina.Aws.Signing;

/// <summary>Builds a <see cref="SigV4Request"/> from an ASP.NET Core request, using the raw request target as sent.</summary>
public static class SigV4HttpRequest
{
    public static SigV4Request From(HttpContext context, string payloadHash)
    {
        var (path, query) = RawTarget(context);
        var headers = context.Request.Headers;
        return new SigV4Request
        {
            Method = context.Request.Method,
            RawPath = path,
            RawQuery = query,
            GetHeaderValues = name => headers.TryGetValue(name, out var values) ? (IReadOnlyList<string>)values.Select(v => v ?? "").ToArray() : [],
            PayloadHash = payloadHash,
        };
    }

    /// <summary>
    /// The path and query as they came over the wire. ASP.NET decodes <see cref="HttpRequest.Path"/>, which
    /// would lose the difference between '/' and '%2F' that the signature covers.
    /// </summary>
    public static (string Path, string Query) RawTarget(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw) || raw[0] != '/')
        {
            if (raw is not null && Uri.TryCreate(raw, UriKind.Absolute, out var absolute))
                return (absolute.AbsolutePath, absolute.Query);
            var request = context.Request;
            return ((request.PathBase + request.Path).ToUriComponent(), request.QueryString.Value ?? "");
        }
        var q = raw.IndexOf('?', StringComparison.Ordinal);
        return q < 0 ? (raw, "") : (raw[..q], raw[q..]);
    }
}
