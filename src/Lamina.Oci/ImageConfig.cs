using System.Text.Json;

namespace Lamina.Oci;

/// <summary>
/// The parts of an image config (OCI image-spec config.md; Docker's is the same shape) that running the
/// image needs: platform, the layer diff_ids, and the process defaults. Parsing never throws.
/// </summary>
public sealed record ImageConfig(
    string Architecture,
    string Os,
    IReadOnlyList<Digest> DiffIds,
    IReadOnlyList<string>? Entrypoint,
    IReadOnlyList<string>? Cmd,
    IReadOnlyList<string> Env,
    string? WorkingDir,
    string? User)
{
    public static bool TryParse(ReadOnlySpan<byte> json, out ImageConfig? config, out string error)
    {
        config = null;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) { error = "image config must be a JSON object"; return false; }
            if (!root.TryGetProperty("rootfs", out var rootfs) || rootfs.ValueKind != JsonValueKind.Object ||
                !rootfs.TryGetProperty("diff_ids", out var ids) || ids.ValueKind != JsonValueKind.Array)
            {
                error = "image config has no rootfs.diff_ids";
                return false;
            }
            var diffIds = new List<Digest>();
            foreach (var id in ids.EnumerateArray())
            {
                if (id.ValueKind != JsonValueKind.String || !Digest.TryParse(id.GetString(), out var d)) { error = "image config has an invalid diff_id"; return false; }
                diffIds.Add(d);
            }
            var c = root.TryGetProperty("config", out var cfg) && cfg.ValueKind == JsonValueKind.Object ? cfg : default;
            config = new ImageConfig(
                Str(root, "architecture") ?? "", Str(root, "os") ?? "", diffIds,
                List(c, "Entrypoint"), List(c, "Cmd"), List(c, "Env") ?? [], Str(c, "WorkingDir"), Str(c, "User"));
            error = "";
            return true;
        }
        catch (JsonException e)
        {
            error = "image config is not valid JSON: " + e.Message;
            return false;
        }
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static List<string>? List(JsonElement e, string name)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Array) return null;
        return v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList();
    }
}
