namespace Lamina.Build.Context;

/// <summary>
/// A .dockerignore file: one pattern a line, '#' comments, blank lines ignored, patterns cleaned
/// (leading '/' dropped), <c>!pattern</c> re-includes, and the last matching line decides. A pattern also
/// excludes everything under a directory it matches (Docker's "matches or a parent matches" rule), and an
/// exception can bring back a file inside an excluded directory.
/// </summary>
public sealed class DockerIgnore
{
    private readonly List<(PathPattern Pattern, bool Exclude)> _rules = [];

    /// <summary>No rules: nothing is excluded.</summary>
    public static DockerIgnore Empty { get; } = new([]);

    /// <exception cref="FormatException">A malformed pattern (named with its line).</exception>
    public DockerIgnore(IEnumerable<string> lines)
    {
        var n = 0;
        foreach (var raw in lines)
        {
            n++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var exclude = true;
            if (line[0] == '!') { exclude = false; line = line[1..].Trim(); }
            var cleaned = PathPattern.Clean(line);
            if (cleaned.Length == 0) continue;
            try { _rules.Add((new PathPattern(cleaned), exclude)); }
            catch (FormatException e) { throw new FormatException($".dockerignore:{n}: {e.Message}"); }
        }
    }

    /// <summary>Reads CONTEXT/.dockerignore, or <see cref="Empty"/> when there is none.</summary>
    public static DockerIgnore Load(string contextDirectory)
    {
        var path = Path.Combine(contextDirectory, ".dockerignore");
        return File.Exists(path) ? new DockerIgnore(File.ReadAllLines(path)) : Empty;
    }

    /// <summary>True when rules exist that could re-include something (then excluded directories must still be walked).</summary>
    public bool HasExceptions => _rules.Any(r => !r.Exclude);

    /// <summary>True when <paramref name="path"/> (relative to the context, '/'-separated) is excluded.</summary>
    public bool IsExcluded(string path)
    {
        var excluded = false;
        foreach (var (pattern, exclude) in _rules)
        {
            if (Matches(pattern, path)) excluded = exclude;
        }
        return excluded;
    }

    private static bool Matches(PathPattern pattern, string path)
    {
        if (pattern.IsMatch(path)) return true;
        // A pattern matching a parent directory matches everything below it.
        for (var slash = path.IndexOf('/'); slash > 0; slash = path.IndexOf('/', slash + 1))
        {
            if (pattern.IsMatch(path[..slash])) return true;
        }
        return false;
    }
}
