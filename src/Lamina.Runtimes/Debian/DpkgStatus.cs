namespace Lamina.Runtimes.Debian;

/// <summary>Reads installed package versions from a root filesystem's /var/lib/dpkg/status.</summary>
public static class DpkgStatus
{
    /// <summary>The installed version of <paramref name="package"/> under <paramref name="root"/>, or null.</summary>
    public static string? Version(string root, string package)
    {
        var status = Path.Combine(root, "var", "lib", "dpkg", "status");
        if (!File.Exists(status)) return null;
        foreach (var paragraph in File.ReadAllText(status).Split("\n\n"))
        {
            var lines = paragraph.Split('\n');
            if (!lines.Contains("Package: " + package)) continue;
            return lines.FirstOrDefault(l => l.StartsWith("Version: ", StringComparison.Ordinal))?["Version: ".Length..];
        }
        return null;
    }

    /// <summary>The upstream major version: "18.20.4+dfsg-1~deb12u3" → "18", "1:2.3-4" → "2".</summary>
    public static string Major(string version)
    {
        var colon = version.IndexOf(':');
        var upstream = colon >= 0 ? version[(colon + 1)..] : version;
        var end = 0;
        while (end < upstream.Length && char.IsAsciiDigit(upstream[end])) end++;
        return end == 0 ? throw new RuntimeBuildException($"version '{version}' has no major number") : upstream[..end];
    }
}
