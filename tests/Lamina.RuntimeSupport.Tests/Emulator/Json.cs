using System.Text.Json;

namespace Lamina.RuntimeSupport.Tests.Emulator;

/// <summary>Reads an invoke answer as JSON.</summary>
internal static class Json
{
    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            return JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"not JSON ({(int)response.StatusCode}): {text}", e);
        }
    }

    public static string Str(this JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? v.ToString() : throw new InvalidOperationException($"no '{name}' in {e}");
}
