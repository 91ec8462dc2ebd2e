namespace Lamina.Images.Unpack;

/// <summary>
/// Cleans a tar entry name into the components of a path relative to the snapshot root. Names are
/// refused, never repaired, when they could mean something outside the root: an absolute path, a ".."
/// component, a NUL byte, or lengths past Linux's PATH_MAX (4096) and NAME_MAX (255).
/// </summary>
internal static class TarPath
{
    public const int MaxPath = 4096;
    public const int MaxComponent = 255;

    /// <summary>The cleaned components of <paramref name="name"/>; empty for the root itself ("./").</summary>
    public static string[] Clean(string name)
    {
        if (name.Length == 0) throw Unsafe(name, "has an empty name");
        if (name.Contains('\0', StringComparison.Ordinal)) throw Unsafe(name, "contains a NUL byte");
        if (System.Text.Encoding.UTF8.GetByteCount(name) > MaxPath) throw Unsafe(name, $"is longer than {MaxPath} bytes");
        if (name[0] == '/') throw Unsafe(name, "is an absolute path");
        var parts = name.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var result = new List<string>(parts.Length);
        foreach (var part in parts)
        {
            if (part == ".") continue;
            if (part == "..") throw Unsafe(name, "contains a '..' component");
            if (System.Text.Encoding.UTF8.GetByteCount(part) > MaxComponent)
                throw Unsafe(name, $"has a component longer than {MaxComponent} bytes");
            result.Add(part);
        }
        return [.. result];
    }

    private static ImageException Unsafe(string name, string why) =>
        new(ImageErrorCode.UnsafeLayer, $"tar entry '{Show(name)}' {why}");

    /// <summary>An entry name shortened and made printable for an error message.</summary>
    public static string Show(string name)
    {
        var shown = name.Length > 120 ? name[..60] + "…" + name[^40..] : name;
        return shown.Replace("\0", "\\0", StringComparison.Ordinal);
    }
}
