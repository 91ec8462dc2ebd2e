using System.Collections.Frozen;
using System.Security.Cryptography;

namespace Lamina.WebConsole;

/// <summary>The console's embedded files (resource names <c>console/PATH</c>), read once into memory.</summary>
internal static class ConsoleAssets
{
    internal readonly record struct Asset(byte[] Bytes, string ContentType, string ETag);

    private static readonly FrozenDictionary<string, Asset> All = Load();

    /// <summary>The file at <paramref name="path"/> (relative to /console/), or null. Only embedded names match.</summary>
    public static Asset? Find(string path) => All.TryGetValue(path, out var a) ? a : null;

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = typeof(ConsoleAssets).Assembly;
        var files = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("console/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            var etag = "\"" + Convert.ToHexString(SHA256.HashData(bytes))[..16] + "\"";
            files[name["console/".Length..].Replace('\\', '/')] = new Asset(bytes, ContentTypeOf(name), etag);
        }
        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };
}
