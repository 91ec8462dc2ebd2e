using Lamina.Images.Native;

namespace Lamina.Images.Unpack;

internal sealed partial class SnapshotWriter
{
    /// <summary>
    /// Walks parts[0..count) from the root, requiring each to be a real directory (checked with lstat, never
    /// followed). Missing ones are created when <paramref name="create"/> is set, else refused. Returns the
    /// absolute path of the last one. Directories verified once stay in <see cref="verifiedDirs"/> until an
    /// entry replaces them, so deep trees cost one lstat per new directory, not per entry.
    /// </summary>
    private string EnsureParent(string[] parts, int count, string entryName, bool create)
    {
        var path = root;
        var rel = "";
        for (var i = 0; i < count; i++)
        {
            rel = i == 0 ? parts[0] : rel + "/" + parts[i];
            path = root + "/" + rel;
            if (verifiedDirs.Contains(rel)) continue;
            var st = LibC.Lstat(path);
            if (st is null)
            {
                if (!create)
                    throw new ImageException(ImageErrorCode.UnsafeLayer,
                        $"tar entry '{TarPath.Show(entryName)}' needs '{rel}', which is not in the layer");
                Directory.CreateDirectory(path);
            }
            else if (st.Value.IsSymlink)
            {
                throw new ImageException(ImageErrorCode.UnsafeLayer,
                    $"tar entry '{TarPath.Show(entryName)}' would be reached through the symlink '{TarPath.Show(rel)}'; writes never follow symlinks");
            }
            else if (!st.Value.IsDirectory)
            {
                throw new ImageException(ImageErrorCode.InvalidLayer,
                    $"tar entry '{TarPath.Show(entryName)}' needs '{TarPath.Show(rel)}' to be a directory, but it is not");
            }
            verifiedDirs.Add(rel);
        }
        return path;
    }

    /// <summary>
    /// Removes whatever is at <paramref name="path"/> so a later duplicate entry wins. A symlink is unlinked,
    /// never followed; a directory is removed with its contents (its symlinks are unlinked, not followed) and
    /// forgotten, with everything below it, by the parent cache.
    /// </summary>
    private void RemoveExisting(string path, string rel)
    {
        var st = LibC.Lstat(path);
        if (st is null) return;
        if (st.Value.IsDirectory)
        {
            Directory.Delete(path, recursive: true);
            verifiedDirs.RemoveWhere(d => d == rel || d.StartsWith(rel + "/", StringComparison.Ordinal));
            foreach (var key in directoryTimes.Keys.Where(k => k == path || k.StartsWith(path + "/", StringComparison.Ordinal)).ToList())
                directoryTimes.Remove(key);
        }
        else
        {
            File.Delete(path);
        }
    }
}
