using System.Text.Json;
using System.Text.Json.Nodes;
using Lamina.Control.Domain;

namespace Lamina.Control.Api;

/// <summary>
/// Typed reads of a request's JSON members. The first member of the wrong JSON type is remembered as
/// <see cref="Error"/> (InvalidRequestContentException, as Lambda answers bodies it cannot bind).
/// </summary>
public sealed class JsonInput(JsonObject json, JsonInput? parent = null)
{
    private LambdaError? _error;

    /// <summary>The first type mismatch in this object or any nested one read through <see cref="Object"/>.</summary>
    public LambdaError? Error
    {
        get => parent?.Error ?? _error;
        private set
        {
            if (parent is not null) parent.Error ??= value;
            else _error ??= value;
        }
    }

    public JsonObject Json => json;

    public bool Has(string name) => json.ContainsKey(name) && json[name] is not null;

    public string? String(string name) => Read(name, JsonValueKind.String, n => n.GetValue<string>());

    public int? Int(string name) => Read(name, JsonValueKind.Number, n => n.GetValue<JsonElement>().TryGetInt32(out var v) ? v : (int?)null);

    public double? Double(string name) => Read(name, JsonValueKind.Number, n => n.GetValue<double>());

    public bool? Bool(string name) => json[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        _ => Mismatch<bool?>(name, "boolean"),
    };

    public JsonInput? Object(string name) => json[name] switch
    {
        null => null,
        JsonObject o => new JsonInput(o, this),
        _ => Mismatch<JsonInput?>(name, "object"),
    };

    public List<string>? StringList(string name)
    {
        if (json[name] is null) return null;
        if (json[name] is not JsonArray array || array.Any(i => i is not JsonValue v || v.GetValueKind() != JsonValueKind.String))
            return Mismatch<List<string>?>(name, "list of strings");
        return array.Select(i => i!.GetValue<string>()).ToList();
    }

    public Dictionary<string, string>? StringMap(string name)
    {
        if (json[name] is null) return null;
        if (json[name] is not JsonObject o || o.Any(p => p.Value is not JsonValue v || v.GetValueKind() != JsonValueKind.String))
            return Mismatch<Dictionary<string, string>?>(name, "map of strings");
        return o.ToDictionary(p => p.Key, p => p.Value!.GetValue<string>(), StringComparer.Ordinal);
    }

    private T? Read<T>(string name, JsonValueKind kind, Func<JsonNode, T?> read)
    {
        var node = json[name];
        if (node is null) return default;
        if (node is not JsonValue v || v.GetValueKind() != kind) return Mismatch<T>(name, kind.ToString().ToLowerInvariant());
        var value = read(node);
        return value is null ? Mismatch<T>(name, kind.ToString().ToLowerInvariant()) : value;
    }

    private T? Mismatch<T>(string name, string expected)
    {
        Error = new LambdaError(LambdaErrorType.InvalidRequestContent,
            $"Could not parse request body into json: Could not deserialize field '{name}': expected a {expected}");
        return default;
    }
}
