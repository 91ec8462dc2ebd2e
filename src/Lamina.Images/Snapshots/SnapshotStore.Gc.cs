using Lamina.Oci;

namespace Lamina.Images.Snapshots;

public sealed partial class SnapshotStore
{
    /// <summary>
    /// Protects snapshots from garbage collection until disposed: a pull pins its layers before it looks for them
    /// and releases the pins only after the image is recorded in <see cref="Refs"/>.
    /// </summary>
    public IDisposable Pin(IEnumerable<Digest> diffIds)
    {
        var list = diffIds.ToList();
        lock (gate)
        {
            foreach (var d in list) pins[d] = pins.GetValueOrDefault(d) + 1;
        }
        return new Release(this, list);
    }

    /// <summary>How many recorded images use the snapshot.</summary>
    public int ReferenceCount(Digest diffId) => Refs.CountOf(diffId);

    /// <summary>
    /// Deletes every snapshot no recorded image uses and no pull has pinned. Each is first renamed into tmp/
    /// (so it disappears atomically; a crash mid-delete leaves only tmp/ debris, swept on open), then removed.
    /// </summary>
    /// <returns>The diff_ids removed.</returns>
    public IReadOnlyList<Digest> Collect()
    {
        var removed = new List<Digest>();
        lock (gate)
        {
            var referenced = Refs.ReferencedLayers();
            foreach (var dir in Directory.EnumerateDirectories(Path.Combine(Root, "sha256")))
            {
                if (!Digest.TryParse("sha256:" + Path.GetFileName(dir), out var diffId)) continue;
                if (referenced.Contains(diffId) || pins.ContainsKey(diffId) || inFlight.ContainsKey(diffId)) continue;
                var doomed = Path.Combine(tmpRoot, "gc-" + Guid.NewGuid().ToString("n"));
                Directory.Move(dir, doomed);
                Directory.Delete(doomed, recursive: true);
                removed.Add(diffId);
            }
        }
        return removed;
    }

    private sealed class Release(SnapshotStore store, List<Digest> diffIds) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) != 0) return;
            lock (store.gate)
            {
                foreach (var d in diffIds)
                {
                    if (--store.pins[d] == 0) store.pins.Remove(d);
                }
            }
        }
    }
}
