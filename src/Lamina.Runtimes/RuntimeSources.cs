using System.Security.Cryptography;

namespace Lamina.Runtimes;

/// <summary>
/// The files of runtimes/ in the repository (entrypoint, bootstraps, runtime interface clients), embedded in
/// this assembly so a built <c>lamina</c> needs no checkout. Paths are relative to runtimes/.
/// </summary>
public static class RuntimeSources
{
    private const string Prefix = "runtimes/";

    /// <summary>Every embedded file, by relative path, in ordinal order.</summary>
    public static IReadOnlyList<(string Path, byte[] Content)> All { get; } = Load();

    /// <summary>The bytes of one file ("lambda-entrypoint.sh", "python/bootstrap").</summary>
    public static byte[] Get(string path) =>
        All.FirstOrDefault(f => f.Path == path).Content ?? throw new InvalidOperationException($"runtimes/{path} is not embedded");

    /// <summary>The files under one folder, with paths relative to it.</summary>
    public static IEnumerable<(string Path, byte[] Content)> Folder(string folder) =>
        All.Where(f => f.Path.StartsWith(folder + "/", StringComparison.Ordinal)).Select(f => (f.Path[(folder.Length + 1)..], f.Content));

    /// <summary>SHA-256 (hex) over every path and its bytes: changes whenever a runtime source does.</summary>
    public static string Fingerprint()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (path, content) in All)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(path + "\0" + content.Length + "\0"));
            hash.AppendData(content);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static List<(string, byte[])> Load()
    {
        var assembly = typeof(RuntimeSources).Assembly;
        var files = new List<(string, byte[])>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files.Add((name[Prefix.Length..].Replace('\\', '/'), copy.ToArray()));
        }
        return files;
    }
}
