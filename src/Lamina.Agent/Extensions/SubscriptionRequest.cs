using System.Net;
using System.Text.Json;

namespace Lamina.Agent.Extensions;

/// <summary>
/// A validated subscribe request of the Telemetry API (2022-07-01) or the Logs API (2020-08-15):
/// <c>{schemaVersion, types, destination:{protocol, URI}, buffering:{maxItems, maxBytes, timeoutMs}}</c>.
/// Ranges are AWS's: maxItems 1 000–10 000 (default 1 000; 10 000 on the Logs API), maxBytes
/// 262 144–1 048 576 (default 262 144), timeoutMs 25–30 000 (default 1 000). The destination must be
/// in the sandbox (sandbox.localdomain, sandbox, localhost or a loopback address) with a port.
/// </summary>
internal sealed record SubscriptionRequest(
    SubscriptionApi Api, HashSet<string> Types, SubscriptionProtocol Protocol, IPEndPoint Endpoint,
    string PathAndQuery, string HostHeader, int MaxItems, int MaxBytes, int TimeoutMs)
{
    private static readonly string[] SchemaVersions = ["2022-07-01", "2022-12-13", "2025-01-29"];
    private static readonly string[] KnownTypes = ["platform", "function", "extension"];

    /// <summary>Parses and validates <paramref name="body"/>; null with a message saying what is wrong.</summary>
    public static SubscriptionRequest? Parse(SubscriptionApi api, byte[] body, out string? error)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return Validate(api, doc.RootElement, out error);
        }
        catch (JsonException)
        {
            error = "the request body is not valid JSON";
            return null;
        }
    }

    private static SubscriptionRequest? Validate(SubscriptionApi api, JsonElement root, out string? error)
    {
        error = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = "the request body must be a JSON object";
            return null;
        }
        if (api == SubscriptionApi.Telemetry && !(root.TryGetProperty("schemaVersion", out var schema) && schema.ValueKind == JsonValueKind.String && SchemaVersions.Contains(schema.GetString())))
        {
            error = "schemaVersion must be one of " + string.Join(", ", SchemaVersions);
            return null;
        }
        if (!root.TryGetProperty("types", out var types) || types.ValueKind != JsonValueKind.Array || types.GetArrayLength() == 0
            || types.EnumerateArray().Any(t => t.ValueKind != JsonValueKind.String || !KnownTypes.Contains(t.GetString())))
        {
            error = "types must be a non-empty array of \"platform\", \"function\" and \"extension\"";
            return null;
        }
        if (!root.TryGetProperty("destination", out var destination) || destination.ValueKind != JsonValueKind.Object)
        {
            error = "destination {protocol, URI} is required";
            return null;
        }
        var protocol = destination.TryGetProperty("protocol", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        if (protocol is not ("HTTP" or "TCP"))
        {
            error = "destination.protocol must be \"HTTP\" or \"TCP\"";
            return null;
        }
        if (!destination.TryGetProperty("URI", out var uri) || uri.ValueKind != JsonValueKind.String || ParseUri(uri.GetString()!, protocol == "TCP") is not { } parsed)
        {
            error = "destination.URI must be an absolute URI with a port on sandbox.localdomain, sandbox, localhost or a loopback address";
            return null;
        }
        var buffering = root.TryGetProperty("buffering", out var b) ? b : default;
        if (buffering.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.Object))
        {
            error = "buffering must be an object";
            return null;
        }
        var maxItems = Ranged(buffering, "maxItems", api == SubscriptionApi.Logs ? 10_000 : 1_000, 1_000, 10_000, ref error);
        var maxBytes = Ranged(buffering, "maxBytes", 262_144, 262_144, 1_048_576, ref error);
        var timeoutMs = Ranged(buffering, "timeoutMs", 1_000, 25, 30_000, ref error);
        if (error is not null)
        {
            return null;
        }
        return new SubscriptionRequest(api, [.. types.EnumerateArray().Select(t => t.GetString()!)],
            protocol == "TCP" ? SubscriptionProtocol.Tcp : SubscriptionProtocol.Http,
            parsed.Endpoint, parsed.Uri.PathAndQuery, parsed.Uri.Authority, maxItems, maxBytes, timeoutMs);
    }

    private static (IPEndPoint Endpoint, Uri Uri)? ParseUri(string text, bool tcp)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || !(uri.Scheme == "http" || (tcp && uri.Scheme == "tcp")) || uri.IsDefaultPort && uri.Scheme == "tcp")
        {
            return null;
        }
        IPAddress? address = uri.Host switch
        {
            "sandbox.localdomain" or "sandbox" or "localhost" => IPAddress.Loopback,
            _ => IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip) ? ip : null,
        };
        return address is null || uri.Port is <= 0 or > 65535 ? null : (new IPEndPoint(address, uri.Port), uri);
    }

    private static int Ranged(JsonElement buffering, string name, int fallback, int min, int max, ref string? error)
    {
        if (buffering.ValueKind != JsonValueKind.Object || !buffering.TryGetProperty(name, out var value))
        {
            return fallback;
        }
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n >= min && n <= max)
        {
            return n;
        }
        error ??= $"buffering.{name} must be an integer from {min} to {max}";
        return fallback;
    }
}
