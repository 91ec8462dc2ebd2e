using Lamina.Images;
using Lamina.Images.Unpack;
using Lamina.Oci;

namespace Lamina.Fuzz.Targets;

/// <summary>
/// Layer extraction: the input is an uncompressed tar unpacked for real into a fresh directory (under
/// $TMPDIR, removed after each input). Expected failure: <see cref="ImageException"/>. Invariant: nothing
/// appears beside the target directory and the sentinel next to it is untouched (the harness may run as
/// root, so only the unpacker's own checks stop an escape).
/// </summary>
internal sealed class TarLayerTarget : IFuzzTarget
{
    private static readonly UnpackLimits Limits = new() { MaxLayerBytes = 1 << 20, RatioFloorBytes = 1 << 20, MaxEntries = 1000 };

    public string Name => "tar";

    public string Run(byte[] input)
    {
        var outer = Directory.CreateTempSubdirectory("lamina-fuzz-tar-").FullName;
        try
        {
            var target = Path.Combine(outer, "target");
            Directory.CreateDirectory(target);
            var sentinel = Path.Combine(outer, "sentinel");
            File.WriteAllText(sentinel, "untouched");
            string outcome;
            try
            {
                var result = LayerUnpacker.Unpack(new MemoryStream(input, writable: false), MediaTypes.OciLayerTar, input.Length, target, Limits);
                outcome = $"accepted {result.UncompressedBytes} bytes";
            }
            catch (ImageException e)
            {
                outcome = $"refused: {e.Message}";
            }
            var beside = Directory.GetFileSystemEntries(outer).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
            if (beside is not ["sentinel", "target"] || File.ReadAllText(sentinel) != "untouched")
            {
                throw new FuzzFinding($"the layer wrote outside its directory: {string.Join(", ", beside)}");
            }
            return outcome;
        }
        finally
        {
            Remove(outer);
        }
    }

    private static void Remove(string outer)
    {
        // Unpacked directories may be read-only (mode 0555): make them writable so the cleanup cannot fail.
        foreach (var dir in new DirectoryInfo(outer).EnumerateDirectories("*", new EnumerationOptions
                     { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true }))
        {
            dir.UnixFileMode |= UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        }
        Directory.Delete(outer, recursive: true);
    }
}
