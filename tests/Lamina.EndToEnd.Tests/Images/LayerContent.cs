using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Lamina.EndToEnd.Tests.Images;

/// <summary>
/// File trees for test layers. Random bytes (seeded, so reproducible) do not compress; repeated
/// text compresses well: a real image has both, and they stress a registry differently.
/// </summary>
public static class LayerContent
{
    private static readonly DateTimeOffset FixedTime = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static Dictionary<string, byte[]> Random(int seed, int size, string path = "data/random.bin")
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return new() { [path] = bytes };
    }

    public static Dictionary<string, byte[]> Compressible(int seed, int size, string path = "data/text.txt")
    {
        var text = new StringBuilder(size + 128);
        var i = 0;
        while (text.Length < size) text.Append("line ").Append(seed).Append(' ').Append(i++).Append(": the quick brown fox jumps over the lazy dog\n");
        return new() { [path] = Encoding.ASCII.GetBytes(text.ToString(0, size)) };
    }

    /// <summary>The uncompressed tar of <paramref name="files"/> (directories implied by paths are added first).</summary>
    public static byte[] Tar(IReadOnlyDictionary<string, byte[]> files)
    {
        using var output = new MemoryStream();
        using (var tar = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
        {
            var directories = files.Keys
                .SelectMany(p => Enumerable.Range(1, p.Count(c => c == '/')).Select(n => string.Join('/', p.Split('/').Take(n))))
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal);
            foreach (var directory in directories)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, directory + "/")
                {
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute,
                    ModificationTime = FixedTime,
                });
            }
            foreach (var (path, content) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path)
                {
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                    ModificationTime = FixedTime,
                    DataStream = new MemoryStream(content),
                });
            }
        }
        return output.ToArray();
    }

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }
        return output.ToArray();
    }
}
