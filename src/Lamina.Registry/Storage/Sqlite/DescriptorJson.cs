using System.Text;
using System.Text.Json;
using Lamina.Oci;

namespace Lamina.Registry.Storage.Sqlite;

/// <summary>
/// The JSON the metadata store keeps for a manifest's references and annotations. Written by hand with
/// Utf8JsonWriter so it needs no reflection and its shape is fixed here, independent of record renames.
/// </summary>
internal static class DescriptorJson
{
    public static string Serialize(IReadOnlyList<Descriptor> descriptors)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (var d in descriptors)
            {
                w.WriteStartObject();
                w.WriteString("mediaType", d.MediaType);
                w.WriteString("digest", d.Digest.ToString());
                w.WriteNumber("size", d.Size);
                if (d.ArtifactType is not null) w.WriteString("artifactType", d.ArtifactType);
                if (d.Platform is { } p)
                {
                    w.WriteStartObject("platform");
                    w.WriteString("architecture", p.Architecture);
                    w.WriteString("os", p.Os);
                    if (p.Variant is not null) w.WriteString("variant", p.Variant);
                    w.WriteEndObject();
                }
                if (d.Annotations is { Count: > 0 })
                {
                    w.WritePropertyName("annotations");
                    WriteMap(w, d.Annotations);
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static IReadOnlyList<Descriptor> Deserialize(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var result = new List<Descriptor>();
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            Platform? platform = null;
            if (e.TryGetProperty("platform", out var p))
            {
                platform = new Platform(p.GetProperty("architecture").GetString()!, p.GetProperty("os").GetString()!,
                    p.TryGetProperty("variant", out var v) ? v.GetString() : null);
            }
            result.Add(new Descriptor(
                e.GetProperty("mediaType").GetString()!,
                Digest.Parse(e.GetProperty("digest").GetString()!),
                e.GetProperty("size").GetInt64(),
                e.TryGetProperty("artifactType", out var at) ? at.GetString() : null,
                platform,
                e.TryGetProperty("annotations", out var a) ? ReadMap(a) : null));
        }
        return result;
    }

    public static string? SerializeMap(IReadOnlyDictionary<string, string>? map)
    {
        if (map is null) return null;
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer)) WriteMap(w, map);
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static IReadOnlyDictionary<string, string>? DeserializeMap(string? json)
    {
        if (json is null) return null;
        using var doc = JsonDocument.Parse(json);
        return ReadMap(doc.RootElement);
    }

    private static void WriteMap(Utf8JsonWriter w, IReadOnlyDictionary<string, string> map)
    {
        w.WriteStartObject();
        foreach (var (k, v) in map) w.WriteString(k, v);
        w.WriteEndObject();
    }

    private static Dictionary<string, string> ReadMap(JsonElement e)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in e.EnumerateObject()) map[p.Name] = p.Value.GetString() ?? "";
        return map;
    }
}
