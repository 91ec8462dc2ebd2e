using System.Text;

namespace Lamina.Sandbox.Host;

/// <summary>Reads mount points from /proc/self/mountinfo.</summary>
internal static class MountTable
{
    /// <summary>Mount points at or below <paramref name="directory"/>, deepest first (the unmount order).</summary>
    public static List<string> Under(string directory)
    {
        var prefix = directory.TrimEnd('/') + "/";
        var result = new List<string>();
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            // Fields: id parent major:minor root mount-point options ... (proc(5)).
            var fields = line.Split(' ');
            if (fields.Length < 5) continue;
            var point = Unescape(fields[4]);
            if (point == directory.TrimEnd('/') || point.StartsWith(prefix, StringComparison.Ordinal))
                result.Add(point);
        }
        return result.Distinct().OrderByDescending(p => p.Length).ToList();
    }

    // The kernel writes space, tab, newline and backslash as octal escapes (\040 …).
    private static string Unescape(string field)
    {
        if (!field.Contains('\\')) return field;
        var sb = new StringBuilder(field.Length);
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && IsOctal(field, i + 1))
            {
                sb.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else sb.Append(field[i]);
        }
        return sb.ToString();
    }

    private static bool IsOctal(string s, int start)
    {
        if (start + 3 > s.Length) return false;
        for (int i = start; i < start + 3; i++)
            if (s[i] is < '0' or > '7') return false;
        return true;
    }
}
