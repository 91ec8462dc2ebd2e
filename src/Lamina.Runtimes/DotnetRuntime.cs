using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Lamina.Runtimes;

/// <summary>
/// The .NET shared runtime (Microsoft.NETCore.App) of the local SDK install, copied into the dotnet image:
/// Debian has no .NET package. Only the muxer, hostfxr and the shared framework are taken (no SDK, no ASP.NET Core).
/// </summary>
public sealed partial record DotnetRuntime(string Root, string Version)
{
    /// <summary>Where the image holds it (DOTNET_ROOT); /usr/bin/dotnet links to its muxer.</summary>
    public const string ImageRoot = "usr/lib/dotnet";

    /// <summary>The highest Microsoft.NETCore.App <paramref name="major"/>.x that <c>dotnet --list-runtimes</c> reports.</summary>
    public static DotnetRuntime FindLocal(int major)
    {
        var output = Tool.Run("dotnet", ["--list-runtimes"]);
        var found = RuntimeLine().Matches(output)
            .Select(m => (Version: m.Groups[1].Value, Dir: m.Groups[2].Value))
            .Where(r => r.Version.StartsWith(major.ToString(CultureInfo.InvariantCulture) + ".", StringComparison.Ordinal) && !r.Version.Contains('-'))
            .OrderByDescending(r => System.Version.Parse(r.Version))
            .FirstOrDefault();
        if (found.Dir is null) throw new RuntimeBuildException($"no Microsoft.NETCore.App {major}.x in `dotnet --list-runtimes`: install the .NET {major} SDK or runtime.");
        return new DotnetRuntime(Path.GetDirectoryName(Path.GetDirectoryName(found.Dir))!, found.Version);
    }

    /// <summary>Version plus every copied path and size: keys the runtime layer cache.</summary>
    public string Fingerprint()
    {
        var text = new StringBuilder(Version).Append('\n');
        foreach (var f in Files().Order(StringComparer.Ordinal))
            text.Append(f).Append(' ').Append(new FileInfo(Path.Combine(Root, f)).Length).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>Copies the runtime into <paramref name="rootfs"/>/usr/lib/dotnet and links /usr/bin/dotnet.</summary>
    public void CopyInto(string rootfs)
    {
        var target = Path.Combine(rootfs, ImageRoot);
        foreach (var relative in Files())
        {
            var destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(Path.Combine(Root, relative), destination, overwrite: true);
            File.SetUnixFileMode(destination, File.GetUnixFileMode(Path.Combine(Root, relative)));
        }
        var link = Path.Combine(rootfs, "usr", "bin", "dotnet");
        if (File.Exists(link) || Directory.Exists(link)) File.Delete(link);
        File.CreateSymbolicLink(link, "../lib/dotnet/dotnet");
    }

    private IEnumerable<string> Files()
    {
        var fxr = Path.Combine("host", "fxr", Version);
        var shared = Path.Combine("shared", "Microsoft.NETCore.App", Version);
        IEnumerable<string> top = ["dotnet", "LICENSE.txt", "ThirdPartyNotices.txt"];
        return top.Where(f => File.Exists(Path.Combine(Root, f)))
            .Concat(Walk(fxr)).Concat(Walk(shared));
    }

    private IEnumerable<string> Walk(string relative)
    {
        var dir = Path.Combine(Root, relative);
        if (!Directory.Exists(dir)) throw new RuntimeBuildException($"{dir} is missing from the .NET install at {Root}");
        return Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Root, f));
    }

    [GeneratedRegex(@"^Microsoft\.NETCore\.App (\S+) \[(.+)\]$", RegexOptions.Multiline)]
    private static partial Regex RuntimeLine();
}
