namespace Lamina.Runtimes.Layers;

/// <summary>
/// The layer that turns one tree into another: paths that are new or differ (kind, mode, owner, link target,
/// bytes), and whiteouts for paths that are gone (only the topmost removed path: a whiteout of a directory
/// covers what was below it).
/// </summary>
public static class TreeDiff
{
    /// <summary>Entries of <paramref name="upper"/> not identical in <paramref name="lower"/>, plus whiteouts.</summary>
    public static List<LayerEntry> Compute(IReadOnlyDictionary<string, LayerEntry> lower, IReadOnlyDictionary<string, LayerEntry> upper)
    {
        var layer = new List<LayerEntry>();
        foreach (var (path, entry) in upper)
            if (!lower.TryGetValue(path, out var before) || !Same(before, entry)) layer.Add(entry);
        foreach (var path in lower.Keys)
        {
            if (upper.ContainsKey(path)) continue;
            var slash = path.LastIndexOf('/');
            if (slash < 0 || upper.ContainsKey(path[..slash]))
                layer.Add(new LayerEntry(path, LayerEntryKind.Whiteout, 0));
        }
        return layer;
    }

    private static bool Same(LayerEntry a, LayerEntry b) =>
        a.Kind == b.Kind && a.Mode == b.Mode && a.Uid == b.Uid && a.Gid == b.Gid && a.Kind switch
        {
            LayerEntryKind.Symlink => a.LinkTarget == b.LinkTarget,
            LayerEntryKind.File => a.Size == b.Size && SameBytes(a, b),
            _ => true,
        };

    private static bool SameBytes(LayerEntry a, LayerEntry b)
    {
        using var x = a.Open();
        using var y = b.Open();
        var bx = new byte[81920];
        var by = new byte[81920];
        while (true)
        {
            var n = x.ReadAtLeast(bx, bx.Length, throwOnEndOfStream: false);
            var m = y.ReadAtLeast(by, by.Length, throwOnEndOfStream: false);
            if (n != m || !bx.AsSpan(0, n).SequenceEqual(by.AsSpan(0, m))) return false;
            if (n < bx.Length) return true;
        }
    }
}
