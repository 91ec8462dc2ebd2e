namespace Lamina.Build.Layers;

/// <summary>
/// Converts an overlayfs upper directory (what a RUN changed) into OCI layer entries. overlayfs records a
/// deletion as a 0/0 character device and a directory that replaced a lower one as the xattr
/// <c>trusted.overlay.opaque=y</c>; the OCI form is a <c>.wh.NAME</c> file and a <c>.wh..wh..opq</c> file.
/// Entries are written depth first in ordinal name order, so the same upper directory gives the same tar.
/// Hard links inside the upper directory stay hard links; sockets and other devices are skipped (Docker
/// does the same: a build cannot usefully ship them).
/// </summary>
public static class OverlayDiff
{
    private const string OpaqueXattr = "trusted.overlay.opaque";

    /// <summary>Writes the entries of <paramref name="upperDirectory"/> to <paramref name="layer"/>; returns how many changes it held.</summary>
    /// <param name="upperDirectory">The overlay's upper directory (not mounted any more).</param>
    /// <param name="layer">The layer being written.</param>
    /// <param name="exclude">Paths (relative, no leading '/') left out: mount points the build sandbox created.</param>
    public static int Write(string upperDirectory, LayerWriter layer, IReadOnlySet<string> exclude)
    {
        var links = new Dictionary<(ulong, ulong), string>();
        var before = layer.Entries;
        Walk(upperDirectory, "", layer, exclude, links);
        return layer.Entries - before;
    }

    private static void Walk(string directory, string prefix, LayerWriter layer, IReadOnlySet<string> exclude, Dictionary<(ulong, ulong), string> links)
    {
        var names = Directory.GetFileSystemEntries(directory).Select(Path.GetFileName).OfType<string>().ToList();
        names.Sort(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var path = Path.Combine(directory, name);
            var rel = prefix + name;
            if (exclude.Contains(rel)) continue;
            var st = FileSystemCalls.Lstat(path);
            var meta = new EntryMeta(st.Permissions, (int)st.Uid, (int)st.Gid, DateTimeOffset.FromUnixTimeSeconds(st.MtimeSeconds));
            switch (st.Type)
            {
                case FileStatus.CharDevice when st.Rdev == 0:
                    layer.AddWhiteout(rel);
                    break;
                case FileStatus.Directory:
                    layer.AddDirectory(rel, meta);
                    if (FileSystemCalls.GetXattr(path, OpaqueXattr) == "y") layer.AddOpaque(rel);
                    Walk(path, rel + "/", layer, exclude, links);
                    break;
                case FileStatus.Regular when st.Links > 1 && links.TryGetValue((st.Device, st.Inode), out var first):
                    layer.AddHardLink(rel, first, meta);
                    break;
                case FileStatus.Regular:
                    if (st.Links > 1) links[(st.Device, st.Inode)] = rel;
                    layer.AddFile(rel, path, meta);
                    break;
                case FileStatus.Symlink:
                    layer.AddSymlink(rel, new FileInfo(path).LinkTarget ?? "", meta);
                    break;
                case FileStatus.Fifo:
                    layer.AddFifo(rel, meta);
                    break;
            }
        }
    }
}
