using System.Text.Json;
using System.Text.Json.Serialization;
using Lamina.Build.Layers;
using Lamina.Oci;

namespace Lamina.Build.Stages;

/// <summary>
/// The layer cache: <c>cache/&lt;chain&gt;.json</c> names the layer a step produced, where the chain is the stage's
/// <see cref="StageState.Chain"/> after the step (parent chain + instruction after substitution + inputs such as the
/// content hash of COPY sources). An entry counts only while its blob is in the store.
/// </summary>
internal sealed class LayerCache(string directory, BlobStore blobs)
{
    /// <summary>The cached layer for <paramref name="chain"/>, or null.</summary>
    public LayerRef? Find(string chain)
    {
        var path = Path.Combine(directory, chain + ".json");
        if (!File.Exists(path)) return null;
        try
        {
            var e = JsonSerializer.Deserialize(File.ReadAllBytes(path), CacheJson.Default.CacheEntry);
            if (e is null || !Digest.TryParse(e.Digest, out var digest) || !Digest.TryParse(e.DiffId, out var diffId)) return null;
            return blobs.Has(digest, e.Size)
                ? new LayerRef(new LayerBlob(digest, e.Size, diffId), e.MediaType, DateTimeOffset.FromUnixTimeSeconds(e.Created))
                : null;
        }
        catch (JsonException)
        {
            return null; // a damaged entry is a miss; the step rebuilds and rewrites it
        }
    }

    /// <summary>Records the layer of <paramref name="chain"/> (atomically: temp file, rename).</summary>
    public void Store(string chain, LayerRef layer)
    {
        Directory.CreateDirectory(directory);
        var entry = new CacheEntry(layer.Blob.Digest.ToString(), layer.Blob.Size, layer.Blob.DiffId.ToString(), layer.MediaType,
            layer.Created.ToUnixTimeSeconds());
        var tmp = Path.Combine(directory, chain + ".tmp" + Environment.ProcessId);
        File.WriteAllBytes(tmp, JsonSerializer.SerializeToUtf8Bytes(entry, CacheJson.Default.CacheEntry));
        File.Move(tmp, Path.Combine(directory, chain + ".json"), overwrite: true);
    }
}

internal sealed record CacheEntry(string Digest, long Size, string DiffId, string MediaType, long Created);

[JsonSerializable(typeof(CacheEntry))]
internal sealed partial class CacheJson : JsonSerializerContext;
