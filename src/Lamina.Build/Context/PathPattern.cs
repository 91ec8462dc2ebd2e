using System.Text;
using System.Text.RegularExpressions;

namespace Lamina.Build.Context;

/// <summary>
/// A Go filepath.Match-style pattern over '/'-separated relative paths, plus <c>**</c> (any number of
/// directories) as in .dockerignore: <c>*</c> and <c>?</c> never cross '/', <c>[a-z]</c>/<c>[^a-z]</c> are
/// character classes, '\' escapes. The whole path must match.
/// </summary>
public sealed class PathPattern
{
    private readonly Regex _regex;

    /// <exception cref="FormatException">An unterminated character class.</exception>
    public PathPattern(string pattern)
    {
        Text = pattern;
        _regex = new Regex("^" + Translate(pattern) + "$", RegexOptions.CultureInvariant | RegexOptions.Singleline);
    }

    /// <summary>The pattern as written (cleaned).</summary>
    public string Text { get; }

    /// <summary>True when <paramref name="path"/> (relative, '/'-separated, no leading '/') matches.</summary>
    public bool IsMatch(string path) => _regex.IsMatch(path);

    /// <summary>True when the pattern has glob characters (otherwise it names one path).</summary>
    public static bool HasWildcards(string pattern) => pattern.AsSpan().IndexOfAny("*?[\\") >= 0;

    private static string Translate(string pattern)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*' when i + 1 < pattern.Length && pattern[i + 1] == '*':
                    i++;
                    if (i + 1 < pattern.Length && pattern[i + 1] == '/') { i++; sb.Append("(.*/)?"); }
                    else sb.Append(".*");
                    break;
                case '*': sb.Append("[^/]*"); break;
                case '?': sb.Append("[^/]"); break;
                case '\\' when i + 1 < pattern.Length: sb.Append(Regex.Escape(pattern[++i].ToString())); break;
                case '[':
                    var end = pattern.IndexOf(']', i + 1);
                    if (end < 0) throw new FormatException($"unterminated [ in pattern '{pattern}'");
                    var cls = pattern[(i + 1)..end];
                    if (cls.StartsWith('^') || cls.StartsWith('!')) cls = "^" + cls[1..];
                    sb.Append('[').Append(cls.Replace("\\", "\\\\", StringComparison.Ordinal)).Append(']');
                    i = end;
                    break;
                default: sb.Append(Regex.Escape(c.ToString())); break;
            }
        }
        return sb.ToString();
    }

    /// <summary>Docker's path cleaning for patterns and sources: no leading '/' or './', no '.', '..' resolved lexically.</summary>
    public static string Clean(string path)
    {
        var parts = new List<string>();
        foreach (var p in path.Replace('\\', '/').Split('/'))
        {
            if (p.Length == 0 || p == ".") continue;
            if (p == "..") { if (parts.Count > 0) parts.RemoveAt(parts.Count - 1); continue; }
            parts.Add(p);
        }
        return string.Join('/', parts);
    }
}
