using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lamina.Control.Async;

/// <summary>Reads a stored DestinationConfig (<c>{"OnSuccess":{"Destination":ARN},"OnFailure":{"Destination":ARN}}</c>).</summary>
public static class Destinations
{
    /// <summary>The destination ARN for a success or a failure; null when none is configured.</summary>
    public static string? Target(string? destinationConfigJson, bool success)
    {
        if (string.IsNullOrEmpty(destinationConfigJson)) return null;
        try
        {
            var node = JsonNode.Parse(destinationConfigJson)?[success ? "OnSuccess" : "OnFailure"]?["Destination"];
            return node is JsonValue v && v.TryGetValue<string>(out var arn) && arn.Length > 0 ? arn : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
