using System.Text.Json;

namespace Lamina.Runtimes.Layers;

/// <summary>
/// Built layers by input key: DIR/layers/KEY/{blob, layer.json}. An entry appears whole (written into a
/// temporary directory, then renamed), so a build killed halfway leaves nothing that looks cached.
/// </summary>
internal sealed class LayerCache(string directory)
{
    public sealed record Entry(LayerBlob Blob, Dictionary<string, string> Facts, string BlobPath);

    private sealed record Stored(string Digest, long Size, string DiffId, Dictionary<string, string> Facts);

    /// <summary>The cached layer for <paramref name="key"/>, or null.</summary>
    public Entry? Find(string key)
    {
        var dir = Path.Combine(directory, "layers", key);
        var meta = Path.Combine(dir, "layer.json");
        if (!File.Exists(meta)) return null;
        var stored = JsonSerializer.Deserialize<Stored>(File.ReadAllBytes(meta));
        if (stored is null) return null;
        var blob = Path.Combine(dir, "blob");
        if (!File.Exists(blob) || new FileInfo(blob).Length != stored.Size) return null;
        Directory.SetLastWriteTimeUtc(dir, DateTime.UtcNow); // last use, for Prune
        return new Entry(new LayerBlob(stored.Digest, stored.Size, stored.DiffId), stored.Facts, blob);
    }

    /// <summary>
    /// Deletes layers and base trees unused for <paramref name="unused"/> (each archive update makes new keys,
    /// so old entries would otherwise pile up), and leftovers of interrupted builds older than a day.
    /// </summary>
    public void Prune(TimeSpan unused)
    {
        var now = DateTime.UtcNow;
        foreach (var area in new[] { "layers", "rootfs", "work" })
        {
            var dir = Path.Combine(directory, area);
            if (!Directory.Exists(dir)) continue;
            foreach (var entry in Directory.GetDirectories(dir))
            {
                var age = now - Directory.GetLastWriteTimeUtc(entry);
                var leftover = area == "work" || entry.Contains(".tmp-", StringComparison.Ordinal);
                if (age > (leftover ? TimeSpan.FromDays(1) : unused))
                {
                    try { Directory.Delete(entry, recursive: true); }
                    catch (IOException) { /* in use by a concurrent build: next time */ }
                }
            }
        }
    }

    /// <summary>Writes a layer with <paramref name="write"/> (given a blobs directory) and stores it under <paramref name="key"/>.</summary>
    public Entry Add(string key, Func<string, (LayerBlob Blob, Dictionary<string, string> Facts)> write)
    {
        var final = Path.Combine(directory, "layers", key);
        var temporary = final + ".tmp-" + Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(temporary);
        try
        {
            var (blob, facts) = write(temporary);
            File.Move(Path.Combine(temporary, blob.Digest["sha256:".Length..]), Path.Combine(temporary, "blob"));
            File.WriteAllBytes(Path.Combine(temporary, "layer.json"), JsonSerializer.SerializeToUtf8Bytes(new Stored(blob.Digest, blob.Size, blob.DiffId, facts)));
            if (Directory.Exists(final)) Directory.Delete(final, recursive: true);
            Directory.Move(temporary, final);
        }
        finally
        {
            if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
        }
        return Find(key) ?? throw new RuntimeBuildException($"layer cache entry {final} vanished");
    }
}
