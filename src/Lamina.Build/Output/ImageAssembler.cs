using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Lamina.Build.Layers;
using Lamina.Build.Stages;
using Lamina.Oci;

namespace Lamina.Build.Output;

/// <summary>
/// Writes a stage's OCI image config and manifest. The config keeps the base config's fields no instruction
/// changes; architecture amd64, os linux. Timestamps come from the layers (or SOURCE_DATE_EPOCH), never from the
/// clock at assembly time, so a rebuild that only hits the cache gives the same digest.
/// </summary>
internal static class ImageAssembler
{
    public static BuiltImage Assemble(StageState stage, BlobStore blobs, DateTimeOffset? sourceDateEpoch)
    {
        var config = (JsonObject)stage.BaseConfig.DeepClone();
        Set(config, "Env", stage.Env.Count == 0 ? null : Array(stage.Env.Select(e => $"{e.Key}={e.Value}")));
        Set(config, "Entrypoint", stage.Entrypoint is null ? null : Array(stage.Entrypoint));
        Set(config, "Cmd", stage.Cmd is null ? null : Array(stage.Cmd));
        Set(config, "WorkingDir", stage.WorkingDir);
        Set(config, "User", stage.User);
        Set(config, "StopSignal", stage.StopSignal);
        Set(config, "Labels", stage.Labels.Count == 0 ? null : new JsonObject(stage.Labels.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value))));
        Set(config, "ExposedPorts", stage.ExposedPorts.Count == 0 ? null
            : new JsonObject(stage.ExposedPorts.Select(p => KeyValuePair.Create(p, (JsonNode?)new JsonObject()))));

        var history = new JsonArray(stage.BaseHistory.Select(h => h.DeepClone()).ToArray());
        foreach (var h in stage.History)
        {
            var entry = new JsonObject { ["created"] = Time(sourceDateEpoch ?? h.Created), ["created_by"] = h.CreatedBy, ["comment"] = "lamina build" };
            if (h.EmptyLayer) entry["empty_layer"] = true;
            history.Add(entry);
        }
        var image = new JsonObject
        {
            ["created"] = Time(sourceDateEpoch ?? stage.Created),
            ["architecture"] = "amd64",
            ["os"] = "linux",
            ["config"] = config,
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = Array(stage.Layers.Select(l => l.Blob.DiffId.ToString())) },
            ["history"] = history,
        };
        var configBytes = Encoding.UTF8.GetBytes(image.ToJsonString());
        var configDigest = blobs.Put(configBytes);
        var layers = stage.Layers.Select(l => new Descriptor(l.MediaType, l.Blob.Digest, l.Blob.Size)).ToList();
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciManifest,
            ["config"] = Desc(MediaTypes.OciConfig, configDigest, configBytes.Length),
            ["layers"] = new JsonArray(layers.Select(l => (JsonNode)Desc(l.MediaType, l.Digest, l.Size)).ToArray()),
        };
        var manifestBytes = Encoding.UTF8.GetBytes(manifest.ToJsonString());
        var manifestDigest = blobs.Put(manifestBytes);
        return new BuiltImage(manifestDigest, manifestBytes, configDigest, configBytes, layers,
            stage.Layers.Select(l => l.Blob.DiffId).ToList(), blobs);
    }

    private static JsonObject Desc(string mediaType, Digest digest, long size) =>
        new() { ["mediaType"] = mediaType, ["digest"] = digest.ToString(), ["size"] = size };

    private static JsonArray Array(IEnumerable<string> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());

    private static void Set(JsonObject o, string key, JsonNode? value)
    {
        if (value is null) o.Remove(key);
        else o[key] = value;
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
