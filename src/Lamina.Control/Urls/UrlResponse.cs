using System.Text;
using System.Text.Json;

namespace Lamina.Control.Urls;

/// <summary>
/// What a function's answer means as an HTTP response (payload format 2.0). An object with "statusCode" is
/// read as statusCode, headers, cookies (each a Set-Cookie), body and isBase64Encoded; any other answer is
/// the body of a 200 application/json response, as Lambda does.
/// </summary>
public sealed record UrlResponse(int Status, List<KeyValuePair<string, string>> Headers, byte[] Body)
{
    public static UrlResponse Interpret(ReadOnlyMemory<byte> payload)
    {
        try
        {
            using var doc = JsonDocument.Parse(payload);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("statusCode", out var status) && status.TryGetInt32(out var code) && code is >= 100 and <= 599)
            {
                var headers = Head(root);
                var body = root.TryGetProperty("body", out var b) && b.ValueKind != JsonValueKind.Null
                    ? b.ValueKind == JsonValueKind.String ? b.GetString()! : b.GetRawText()
                    : "";
                var base64 = root.TryGetProperty("isBase64Encoded", out var i) && i.ValueKind == JsonValueKind.True;
                byte[] bytes;
                try
                {
                    bytes = base64 ? Convert.FromBase64String(body) : Encoding.UTF8.GetBytes(body);
                }
                catch (FormatException)
                {
                    return new UrlResponse(502, [new("Content-Type", "application/json")], """{"Message":"Internal Server Error"}"""u8.ToArray());
                }
                if (!headers.Any(h => h.Key.Equals("content-type", StringComparison.OrdinalIgnoreCase)))
                    headers.Add(new("Content-Type", "application/json"));
                return new UrlResponse(code, headers, bytes);
            }
        }
        catch (JsonException)
        {
            // Not JSON: passed through as the body below.
        }
        return new UrlResponse(200, [new("Content-Type", "application/json")], payload.ToArray());
    }

    /// <summary>The "headers" object and "cookies" array of a structured answer (or of a streaming prelude).</summary>
    internal static List<KeyValuePair<string, string>> Head(JsonElement root)
    {
        var headers = new List<KeyValuePair<string, string>>();
        if (root.TryGetProperty("headers", out var h) && h.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in h.EnumerateObject())
                headers.Add(new(p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText()));
        }
        if (root.TryGetProperty("cookies", out var c) && c.ValueKind == JsonValueKind.Array)
        {
            foreach (var cookie in c.EnumerateArray())
                if (cookie.ValueKind == JsonValueKind.String) headers.Add(new("Set-Cookie", cookie.GetString()!));
        }
        return headers;
    }
}
