using System.Globalization;

namespace Lamina.Runtimes.Debian;

/// <summary>
/// Creates a minbase Debian root filesystem with mmdebstrap in root mode.
/// No docs, man pages, locales, apt lists, apt caches or logs; SOURCE_DATE_EPOCH makes it reproducible
/// (mmdebstrap's own guarantee, checked by the tests).
/// </summary>
public static class Mmdebstrap
{
    /// <summary>Excluded from every package (dpkg path-exclude): the bulk of a minbase system that no function reads.</summary>
    public static IReadOnlyList<string> PathExcludes { get; } =
    [
        "/usr/share/doc/*", "/usr/share/man/*", "/usr/share/info/*", "/usr/share/locale/*",
        "/usr/share/lintian/*", "/usr/share/linda/*", "/usr/share/bug/*",
    ];

    // Files that differ between otherwise identical runs or only serve apt/dpkg history.
    private const string Cleanup =
        "rm -rf \"$1\"/var/lib/apt/lists/* \"$1\"/var/cache/apt/* \"$1\"/var/log/* \"$1\"/var/cache/ldconfig/aux-cache " +
        "\"$1\"/var/lib/dpkg/*-old \"$1\"/var/cache/debconf/*-old \"$1\"/tmp/* \"$1\"/var/tmp/*";

    /// <summary>Bootstraps <paramref name="archive"/> with <paramref name="packages"/> into the new directory <paramref name="target"/>.</summary>
    public static void Create(string target, DebianArchive archive, IReadOnlyList<string> packages, long sourceDateEpoch)
    {
        // Merged /usr by symlinks (as debootstrap and Debian's docker images do) instead of the usrmerge
        // package, which would pull perl (~50 MB) into every image.
        List<string> args = ["--mode=root", "--variant=minbase", "--format=directory", "--quiet",
            "--hook-dir=/usr/share/mmdebstrap/hooks/merged-usr",
            "--aptopt=Acquire::Languages \"none\"", "--dpkgopt=path-include=/usr/share/doc/*/copyright"];
        args.InsertRange(args.Count - 1, PathExcludes.Select(p => "--dpkgopt=path-exclude=" + p));
        if (packages.Count > 0) args.Add("--include=" + string.Join(',', packages));
        args.Add("--customize-hook=" + Cleanup);
        args.Add(archive.Suite);
        args.Add(target);
        args.AddRange(archive.SourceLines);
        Tool.Run("mmdebstrap", args, new Dictionary<string, string>
        {
            ["SOURCE_DATE_EPOCH"] = sourceDateEpoch.ToString(CultureInfo.InvariantCulture),
        });
    }
}
