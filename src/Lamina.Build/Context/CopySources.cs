using System.Security.Cryptography;
using System.Text;
using Lamina.Build.Layers;

namespace Lamina.Build.Context;

/// <summary>
/// Resolves COPY/ADD sources against a root (the build context, or another stage's root filesystem) into the
/// sorted list of entries the layer will hold, following Docker's rules: a directory source copies its contents,
/// a file lands at DEST/name when DEST ends with '/' or several sources are given, else at DEST itself;
/// wildcards use Go's filepath.Match syntax; .dockerignore'd paths do not exist.
/// Symlinks are copied as symlinks and never followed — a source path through a symlink is refused — so a
/// hostile stage's root cannot make the host read a host file.
/// </summary>
internal sealed class CopySources(string root, DockerIgnore ignore)
{
    /// <summary>Resolves <paramref name="sources"/> for destination <paramref name="destination"/> (absolute, as written after WORKDIR).</summary>
    /// <exception cref="FormatException">A missing source or a bad combination; the message says which.</exception>
    public SortedDictionary<string, CopyItem> Resolve(IReadOnlyList<string> sources, string destination)
    {
        var items = new SortedDictionary<string, CopyItem>(StringComparer.Ordinal);
        var destIsDir = destination.EndsWith('/') || sources.Count > 1 || sources.Any(PathPattern.HasWildcards);
        var dest = PathPattern.Clean(destination);
        foreach (var source in sources)
        {
            var clean = PathPattern.Clean(source);
            var matches = PathPattern.HasWildcards(clean) ? Glob(clean) : Single(clean, source);
            if (matches.Count == 0) throw new FormatException($"no source files match '{source}'");
            foreach (var rel in matches)
            {
                var full = rel.Length == 0 ? root : Path.Combine(root, rel);
                var st = FileSystemCalls.Lstat(full);
                if (st.Type == FileStatus.Directory) AddTree(full, rel, rel, dest, items);
                else
                {
                    var name = Path.GetFileName(rel);
                    var target = destIsDir ? Join(dest, name) : dest;
                    if (target.Length == 0) throw new FormatException($"cannot copy the file '{source}' over the root directory");
                    items[target] = new CopyItem(target, full, st);
                }
            }
        }
        return items;
    }

    /// <summary>A content hash of the resolved inputs: names, types, modes, owners, sizes and file contents.</summary>
    public static string ContentHash(SortedDictionary<string, CopyItem> items)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var item in items.Values)
        {
            var st = item.Status;
            var content = st.Type switch
            {
                FileStatus.Regular => Convert.ToHexStringLower(HashFile(item.Source)),
                FileStatus.Symlink => new FileInfo(item.Source).LinkTarget ?? "",
                _ => "",
            };
            hash.AppendData(Encoding.UTF8.GetBytes($"{item.Destination}\0{st.Mode}\0{st.Uid}\0{st.Gid}\0{content}\n"));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static byte[] HashFile(string path)
    {
        using var f = File.OpenRead(path);
        return SHA256.HashData(f);
    }

    private List<string> Single(string clean, string source)
    {
        // Each component must exist as itself: a symlink in the middle would be resolved by the host.
        var parts = clean.Length == 0 ? [] : clean.Split('/');
        var current = root;
        for (var i = 0; i < parts.Length; i++)
        {
            current = Path.Combine(current, parts[i]);
            FileStatus st;
            try { st = FileSystemCalls.Lstat(current); }
            catch (IOException) { throw new FormatException($"source '{source}' not found"); }
            if (i < parts.Length - 1 && st.Type != FileStatus.Directory)
                throw new FormatException($"source '{source}' goes through '{string.Join('/', parts[..(i + 1)])}', which is not a directory (symlinks are not followed)");
        }
        if (clean.Length > 0 && ignore.IsExcluded(clean)) throw new FormatException($"source '{source}' is excluded by .dockerignore");
        return [clean];
    }

    private List<string> Glob(string pattern)
    {
        var matcher = new PathPattern(pattern);
        var found = new List<string>();
        void Walk(string dir, string prefix)
        {
            foreach (var name in SortedNames(dir))
            {
                var rel = prefix + name;
                var full = Path.Combine(dir, name);
                var excluded = ignore.IsExcluded(rel);
                if (!excluded && matcher.IsMatch(rel)) found.Add(rel);
                else if (FileSystemCalls.Lstat(full).Type == FileStatus.Directory && (!excluded || ignore.HasExceptions)) Walk(full, rel + "/");
            }
        }
        Walk(root, "");
        return found;
    }

    // Copies the contents of the directory source relBase (not the directory itself) under dest.
    private void AddTree(string dir, string relOfDir, string relBase, string dest, SortedDictionary<string, CopyItem> items)
    {
        foreach (var name in SortedNames(dir))
        {
            var rel = relOfDir.Length == 0 ? name : relOfDir + "/" + name;
            var full = Path.Combine(dir, name);
            var st = FileSystemCalls.Lstat(full);
            var excluded = ignore.IsExcluded(rel);
            var target = Join(dest, rel[(relBase.Length == 0 ? 0 : relBase.Length + 1)..]);
            if (!excluded) items[target] = new CopyItem(target, full, st);
            if (st.Type == FileStatus.Directory && (!excluded || ignore.HasExceptions)) AddTree(full, rel, relBase, dest, items);
        }
    }

    private static List<string> SortedNames(string dir)
    {
        var names = Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).OfType<string>().ToList();
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    private static string Join(string dest, string name) => dest.Length == 0 ? name : dest + "/" + name;
}
