using System.Text.Json;
using System.Text.Json.Serialization;
using Lamina.Control.Domain;

namespace Lamina.Control.Storage;

/// <summary>The JSON form of stored configurations (enums as names, so the database reads as the API does).</summary>
internal static class ControlJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, Options)
        ?? throw new InvalidDataException("control.db holds a null configuration");

    public static string WriteTags(IReadOnlyDictionary<string, string> tags) => JsonSerializer.Serialize(tags);

    public static Dictionary<string, string> ReadTags(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];

    /// <summary>Stored form of a FunctionConfig; computed members are not persisted.</summary>
    public static string WriteConfig(FunctionConfig config) => Write(config);
}
