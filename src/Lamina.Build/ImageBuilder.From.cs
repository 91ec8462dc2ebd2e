using System.Text.Json;
using System.Text.Json.Nodes;
using Lamina.Build.Layers;
using Lamina.Build.Stages;
using Lamina.Images;
using Lamina.Oci;

namespace Lamina.Build;

public sealed partial class ImageBuilder
{
    private async Task<StageState> FromAsync(BuildRun run, StagePlan plan, CancellationToken cancellationToken)
    {
        var state = new StageState(plan.Index, plan.Name);
        if (plan.Base == "scratch")
        {
            state.Extend("FROM scratch");
            return state;
        }
        if (run.Plan.Find(plan.Base, plan.Index) is { } parent)
        {
            var source = run.Stages[parent.Index] ?? throw new InvalidOperationException($"stage {parent.Index} was not built");
            CopyStage(source, state);
            state.Extend("FROM stage " + source.Chain);
            return state;
        }
        var image = await PullAsync(plan.From, plan.Base, cancellationToken);
        CopyStage(image, state);
        return state;
    }

    private static void CopyStage(StageState from, StageState to)
    {
        to.Layers.AddRange(from.Layers);
        to.BaseConfig = (JsonObject)from.BaseConfig.DeepClone();
        to.BaseHistory.AddRange(from.BaseHistory.Select(h => h.DeepClone()));
        to.History.AddRange(from.History);
        foreach (var e in from.Env) to.Env.Add(e);
        to.Entrypoint = from.Entrypoint?.ToList();
        to.Cmd = from.Cmd?.ToList();
        to.WorkingDir = from.WorkingDir;
        to.User = from.User;
        to.StopSignal = from.StopSignal;
        foreach (var (k, v) in from.Labels) to.Labels[k] = v;
        to.ExposedPorts.UnionWith(from.ExposedPorts);
        to.Chain = from.Chain;
        to.Created = from.Created;
    }

    /// <summary>
    /// Resolves a registry image (index → linux/amd64), fetches its config, and downloads each layer blob the cache
    /// lacks (verified by digest and size while streaming). Returns a stage holding the image.
    /// </summary>
    private async Task<StageState> PullAsync(Dockerfile.Instruction ins, string reference, CancellationToken cancellationToken)
    {
        if (!ImageReference.TryParse(reference, out var image, out var error)) throw BuildException.At(ins, $"invalid image reference '{reference}': {error}");
        try
        {
            var response = await _registry.GetManifestAsync(image, image.Reference, cancellationToken);
            if (response.Manifest.IsIndex)
            {
                var child = PlatformSelector.SelectLinuxAmd64(response.Manifest)
                    ?? throw BuildException.At(ins, $"{reference} has no linux/amd64 image");
                response = await _registry.GetManifestAsync(image, child.Digest.ToString(), cancellationToken);
            }
            var manifest = response.Manifest;
            if (manifest.Config is null) throw BuildException.At(ins, $"{reference} is not an image (its manifest has no config)");
            var configBytes = await _registry.GetBlobBytesAsync(image, manifest.Config, cancellationToken);
            var config = JsonNode.Parse(configBytes) as JsonObject ?? throw BuildException.At(ins, $"{reference}: config is not a JSON object");
            var diffIds = (config["rootfs"]?["diff_ids"] as JsonArray)?.Select(n => Digest.Parse(n!.GetValue<string>())).ToList() ?? [];
            if (diffIds.Count != manifest.Layers.Count)
                throw BuildException.At(ins, $"{reference}: {manifest.Layers.Count} layers but {diffIds.Count} diff_ids in its config");

            var state = new StageState(-1, null);
            var created = config["created"] is JsonValue c && c.TryGetValue<string>(out var text) && DateTimeOffset.TryParse(text, out var when)
                ? DateTimeOffset.FromUnixTimeSeconds(when.ToUnixTimeSeconds()) : DateTimeOffset.UnixEpoch;
            for (var i = 0; i < manifest.Layers.Count; i++)
            {
                var layer = manifest.Layers[i];
                if (!Images.Unpack.LayerUnpacker.IsSupported(layer.MediaType))
                    throw BuildException.At(ins, $"{reference}: layer media type {layer.MediaType} is not supported");
                if (!_blobs.Has(layer.Digest, layer.Size))
                {
                    var tmp = _blobs.NewTempPath();
                    try
                    {
                        await _registry.DownloadBlobAsync(image, layer, tmp, null, cancellationToken);
                        _blobs.Commit(tmp, layer.Digest);
                    }
                    finally { File.Delete(tmp); }
                }
                // Docker's gzip layer type is byte-for-byte the OCI one; the output manifest is OCI throughout.
                var mediaType = layer.MediaType == MediaTypes.DockerLayerGzip ? MediaTypes.OciLayerGzip : layer.MediaType;
                state.Layers.Add(new LayerRef(new LayerBlob(layer.Digest, layer.Size, diffIds[i]), mediaType, created));
            }
            ReadConfig(config, state);
            state.Created = created;
            state.Extend("FROM " + response.Digest);
            return state;
        }
        catch (ImageException e)
        {
            throw BuildException.At(ins, $"cannot pull {reference}: {e.Message}");
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw BuildException.At(ins, $"{reference} has a malformed config: {e.Message}");
        }
    }

    private static void ReadConfig(JsonObject config, StageState state)
    {
        var c = config["config"] as JsonObject ?? [];
        state.BaseConfig = (JsonObject)c.DeepClone();
        if (config["history"] is JsonArray history) state.BaseHistory.AddRange(history.Where(h => h is not null).Select(h => h!.DeepClone()));
        foreach (var e in Strings(c["Env"]) ?? [])
        {
            var eq = e.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0) state.SetEnv(e[..eq], e[(eq + 1)..]);
        }
        state.Entrypoint = Strings(c["Entrypoint"]);
        state.Cmd = Strings(c["Cmd"]);
        state.WorkingDir = c["WorkingDir"]?.GetValue<string>() is { Length: > 0 } w ? w : null;
        state.User = c["User"]?.GetValue<string>() is { Length: > 0 } u ? u : null;
        state.StopSignal = c["StopSignal"]?.GetValue<string>();
        if (c["Labels"] is JsonObject labels)
        {
            foreach (var (k, v) in labels) state.Labels[k] = v?.GetValue<string>() ?? "";
        }
        if (c["ExposedPorts"] is JsonObject ports) state.ExposedPorts.UnionWith(ports.Select(p => p.Key));
    }

    private static List<string>? Strings(JsonNode? node) =>
        node is JsonArray a ? a.Select(n => n?.GetValue<string>() ?? "").ToList() : null;
}
