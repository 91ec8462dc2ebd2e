using System.Text.Json;
using Lamina.Oci;

namespace Lamina.Images.Snapshots;

/// <summary>
/// refs.json: the images that use snapshots, persisted as one small JSON document rewritten atomically
/// (temp file, fsync, rename) on each change. A snapshot's reference count is the number of recorded images
/// listing its diff_id — derived, never stored, so it cannot drift from the image records. JSON rather than
/// SQLite: the table is tiny (one row per image), read whole, changed only on pull and delete.
/// </summary>
public sealed class RefTable
{
    private readonly string path;
    private readonly Lock gate = new();
    private Dictionary<string, ImageRef> images;

    internal RefTable(string path)
    {
        this.path = path;
        images = File.Exists(path)
            ? JsonSerializer.Deserialize(File.ReadAllBytes(path), RefJson.Default.RefFile)?.Images ?? []
            : [];
    }

    /// <summary>A snapshot of the recorded images keyed by manifest digest.</summary>
    public IReadOnlyDictionary<string, ImageRef> Images
    {
        get { lock (gate) return new Dictionary<string, ImageRef>(images); }
    }

    /// <summary>Records (or replaces) an image and persists the table before returning.</summary>
    public void Put(Digest manifest, ImageRef image)
    {
        lock (gate)
        {
            images[manifest.ToString()] = image;
            Save();
        }
    }

    /// <summary>Forgets an image; its snapshots become collectable when no other image uses them.</summary>
    public bool Remove(Digest manifest)
    {
        lock (gate)
        {
            if (!images.Remove(manifest.ToString())) return false;
            Save();
            return true;
        }
    }

    public int CountOf(Digest diffId)
    {
        var key = diffId.ToString();
        lock (gate) return images.Values.Count(i => i.Layers.Contains(key));
    }

    public HashSet<Digest> ReferencedLayers()
    {
        lock (gate) return images.Values.SelectMany(i => i.Layers).Select(Digest.Parse).ToHashSet();
    }

    private void Save()
    {
        var tmp = path + ".tmp";
        using (var file = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(file, new RefFile(images), RefJson.Default.RefFile);
            file.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
    }
}
