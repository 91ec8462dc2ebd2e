using System.Globalization;

namespace Lamina.Runtimes.Layers;

/// <summary>
/// A directory tree as layer entries, read with one <c>find -printf</c> (it reports owners, modes with
/// setuid bits, and inode numbers, which .NET's file APIs do not). Device nodes, fifos and sockets are left out:
/// a container runtime provides /dev.
/// </summary>
public static class FileTree
{
    private const int FieldsPerRecord = 9;

    /// <summary>Every path under <paramref name="root"/> (not the root itself), keyed by relative path.</summary>
    public static Dictionary<string, LayerEntry> Scan(string root)
    {
        var output = Tool.Run("find", [root, "-mindepth", "1", "-printf", @"%y\0%m\0%U\0%G\0%s\0%D:%i\0%n\0%P\0%l\0"]);
        var fields = output.Split('\0');
        var entries = new Dictionary<string, LayerEntry>(StringComparer.Ordinal);
        // The last field of each record is the symlink target: find writes one (possibly empty) per record.
        for (var i = 0; i + FieldsPerRecord <= fields.Length; i += FieldsPerRecord)
        {
            var kind = fields[i] switch
            {
                "f" => LayerEntryKind.File,
                "d" => LayerEntryKind.Directory,
                "l" => LayerEntryKind.Symlink,
                _ => (LayerEntryKind?)null,
            };
            if (kind is null) continue;
            var path = fields[i + 7];
            var links = int.Parse(fields[i + 6], CultureInfo.InvariantCulture);
            entries[path] = new LayerEntry(path, kind.Value, Convert.ToInt32(fields[i + 1], 8),
                int.Parse(fields[i + 2], CultureInfo.InvariantCulture), int.Parse(fields[i + 3], CultureInfo.InvariantCulture))
            {
                Size = kind == LayerEntryKind.File ? long.Parse(fields[i + 4], CultureInfo.InvariantCulture) : 0,
                LinkTarget = kind == LayerEntryKind.Symlink ? fields[i + 8] : "",
                SourcePath = kind == LayerEntryKind.File ? Path.Combine(root, path) : null,
                HardLinkKey = kind == LayerEntryKind.File && links > 1 ? fields[i + 5] : null,
            };
        }
        return entries;
    }
}
