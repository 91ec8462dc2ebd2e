using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lamina.Control.Logs;

/// <summary>
/// Typed reads of a Logs request's members; the first member of the wrong JSON type is remembered as
/// <see cref="Error"/> (InvalidParameterException naming it).
/// </summary>
public sealed class LogsInput(JsonObject json)
{
    public LogsError? Error { get; private set; }

    public string? String(string name) => Read(name, JsonValueKind.String, n => n.GetValue<string>());

    public long? Long(string name) => Read(name, JsonValueKind.Number, n => n.GetValue<JsonElement>().TryGetInt64(out var v) ? v : (long?)null);

    public int? Int(string name) => Read(name, JsonValueKind.Number, n => n.GetValue<JsonElement>().TryGetInt32(out var v) ? v : (int?)null);

    public bool? Bool(string name) => json[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        _ => Mismatch<bool?>(name),
    };

    public JsonArray? Array(string name) => json[name] switch
    {
        null => null,
        JsonArray a => a,
        _ => Mismatch<JsonArray?>(name),
    };

    /// <summary>The log group named by logGroupName or logGroupIdentifier (a name or an ARN); exactly one is allowed.</summary>
    public string? Group()
    {
        var name = String("logGroupName");
        var identifier = String("logGroupIdentifier");
        if (name is not null && identifier is not null)
        {
            Error ??= LogsError.Invalid("LogGroup name and LogGroup ARN are mutually exclusive parameters.");
            return null;
        }
        if (identifier is not null && identifier.StartsWith("arn:", StringComparison.Ordinal))
        {
            var at = identifier.IndexOf(":log-group:", StringComparison.Ordinal);
            identifier = at < 0 ? identifier : identifier[(at + ":log-group:".Length)..];
            if (identifier.EndsWith(":*", StringComparison.Ordinal)) identifier = identifier[..^2];
        }
        return name ?? identifier;
    }

    private T? Read<T>(string name, JsonValueKind kind, Func<JsonValue, T?> get)
    {
        var node = json[name];
        if (node is null) return default;
        if (node is JsonValue v && v.GetValueKind() == kind && get(v) is { } value) return value;
        return Mismatch<T>(name);
    }

    private T? Mismatch<T>(string name)
    {
        Error ??= LogsError.Invalid($"Member {name} has the wrong type");
        return default;
    }
}
