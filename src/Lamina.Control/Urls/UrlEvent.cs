using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Lamina.Control.Urls;

/// <summary>
/// The payload format 2.0 event a function URL request becomes: header names lower-cased and repeated values
/// comma-joined, cookies split out of the Cookie header, query parameters decoded (repeats comma-joined), a
/// text body as it is and any other body base64-encoded (isBase64Encoded).
/// </summary>
public static class UrlEvent
{
    public static JsonObject Build(HttpContext context, UrlRoute route, byte[] body, string requestId, string accountId, DateTimeOffset now)
    {
        var request = context.Request;
        var headers = new JsonObject();
        JsonArray? cookies = null;
        foreach (var (name, values) in request.Headers)
        {
            var lower = name.ToLowerInvariant();
            if (lower == "cookie")
            {
                cookies = new JsonArray(values.SelectMany(v => (v ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    .Select(c => (JsonNode)JsonValue.Create(c)).ToArray());
                continue;
            }
            headers[lower] = string.Join(',', values.ToArray());
        }
        var e = new JsonObject
        {
            ["version"] = "2.0",
            ["routeKey"] = "$default",
            ["rawPath"] = route.RawPath,
            ["rawQueryString"] = route.RawQuery,
        };
        if (cookies is not null) e["cookies"] = cookies;
        e["headers"] = headers;
        if (request.Query.Count > 0)
        {
            var query = new JsonObject();
            foreach (var (name, values) in request.Query) query[name] = string.Join(',', values.ToArray());
            e["queryStringParameters"] = query;
        }
        e["requestContext"] = new JsonObject
        {
            ["accountId"] = accountId,
            ["apiId"] = route.UrlId,
            ["domainName"] = route.DomainName,
            ["domainPrefix"] = route.UrlId,
            ["http"] = new JsonObject
            {
                ["method"] = request.Method,
                ["path"] = route.RawPath,
                ["protocol"] = request.Protocol,
                ["sourceIp"] = context.Connection.RemoteIpAddress?.ToString() ?? "127.0.0.1",
                ["userAgent"] = request.Headers.UserAgent.ToString(),
            },
            ["requestId"] = requestId,
            ["routeKey"] = "$default",
            ["stage"] = "$default",
            ["time"] = now.ToUniversalTime().ToString("dd/MMM/yyyy:HH:mm:ss +0000", CultureInfo.InvariantCulture),
            ["timeEpoch"] = now.ToUnixTimeMilliseconds(),
        };
        if (body.Length > 0)
        {
            var text = IsText(request.ContentType, body);
            e["body"] = text ? Encoding.UTF8.GetString(body) : Convert.ToBase64String(body);
            e["isBase64Encoded"] = !text;
        }
        else
        {
            e["isBase64Encoded"] = false;
        }
        return e;
    }

    /// <summary>Text content types pass as they are; without a content type, valid UTF-8 counts as text.</summary>
    internal static bool IsText(string? contentType, byte[] body)
    {
        if (contentType is null)
        {
            try
            {
                _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body);
                return true;
            }
            catch (DecoderFallbackException)
            {
                return false;
            }
        }
        var type = contentType.ToLowerInvariant();
        return type.StartsWith("text/", StringComparison.Ordinal) || type.Contains("json", StringComparison.Ordinal) ||
            type.Contains("xml", StringComparison.Ordinal) || type.Contains("javascript", StringComparison.Ordinal) ||
            type.Contains("x-www-form-urlencoded", StringComparison.Ordinal);
    }
}
