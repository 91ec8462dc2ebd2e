using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Lamina.Control.Urls;

/// <summary>
/// A function URL's Cors configuration applied by the endpoint (as Lambda does, overriding the function's own
/// CORS headers): preflight OPTIONS requests are answered without invoking the function; other requests from
/// an allowed Origin get Access-Control-Allow-Origin, -Expose-Headers and -Allow-Credentials.
/// </summary>
public sealed class UrlCors
{
    private readonly string[] _origins;
    private readonly string[] _methods;
    private readonly string[] _headers;
    private readonly string[] _expose;
    private readonly int? _maxAge;
    private readonly bool _credentials;

    private UrlCors(JsonElement c)
    {
        _origins = List(c, "AllowOrigins");
        _methods = List(c, "AllowMethods");
        _headers = List(c, "AllowHeaders");
        _expose = List(c, "ExposeHeaders");
        _maxAge = c.TryGetProperty("MaxAge", out var m) && m.TryGetInt32(out var age) ? age : null;
        _credentials = c.TryGetProperty("AllowCredentials", out var a) && a.ValueKind == JsonValueKind.True;
    }

    /// <summary>The stored Cors JSON parsed, or null when the URL has none.</summary>
    public static UrlCors? Parse(string? json)
    {
        if (json is null) return null;
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.ValueKind == JsonValueKind.Object ? new UrlCors(doc.RootElement) : null;
    }

    /// <summary>True for a CORS preflight (OPTIONS with Origin and Access-Control-Request-Method).</summary>
    public static bool IsPreflight(HttpRequest request) =>
        HttpMethods.IsOptions(request.Method) && request.Headers.ContainsKey("Origin") && request.Headers.ContainsKey("Access-Control-Request-Method");

    /// <summary>Adds the preflight answer's headers (none when the origin is not allowed).</summary>
    public void Preflight(HttpRequest request, IHeaderDictionary response)
    {
        if (AllowedOrigin(request) is not { } origin) return;
        response["Access-Control-Allow-Origin"] = origin;
        if (_methods.Length > 0) response["Access-Control-Allow-Methods"] = string.Join(',', _methods);
        if (_headers.Length > 0) response["Access-Control-Allow-Headers"] = string.Join(',', _headers);
        if (_maxAge is { } age) response["Access-Control-Max-Age"] = age.ToString(CultureInfo.InvariantCulture);
        if (_credentials) response["Access-Control-Allow-Credentials"] = "true";
        response.Vary = "Origin";
    }

    /// <summary>Adds the headers of an actual cross-origin request's answer.</summary>
    public void Apply(HttpRequest request, IHeaderDictionary response)
    {
        if (AllowedOrigin(request) is not { } origin) return;
        response["Access-Control-Allow-Origin"] = origin;
        if (_expose.Length > 0) response["Access-Control-Expose-Headers"] = string.Join(',', _expose);
        if (_credentials) response["Access-Control-Allow-Credentials"] = "true";
        response.Vary = "Origin";
    }

    /// <summary>The Allow-Origin value: the request's origin when listed (or "*" is listed with credentials), "*" otherwise.</summary>
    private string? AllowedOrigin(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0) return null;
        if (_origins.Contains(origin, StringComparer.OrdinalIgnoreCase)) return origin;
        if (_origins.Contains("*")) return _credentials ? origin : "*";
        return null;
    }

    private static string[] List(JsonElement c, string name) =>
        c.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToArray()
            : [];
}
