using System.Formats.Tar;
using Lamina.Images.Native;

namespace Lamina.Images.Unpack;

/// <summary>
/// Applies tar entries to a fresh, private snapshot directory so that nothing is ever written outside it.
/// <para>Safety argument: every entry name is cleaned by <see cref="TarPath"/> (no "..", no absolute path), then
/// each parent component is checked with lstat and must be a real directory — a symlink anywhere in the parent
/// chain refuses the layer, so no write, link or whiteout ever goes through one. The final component is
/// removed with lstat semantics (a symlink there is unlinked, not followed) and recreated with O_CREAT|O_EXCL,
/// mknod, symlink or link, none of which follow a final symlink. Hardlink targets are resolved the same way and
/// must be an existing non-directory inside the snapshot. The directory is private to this process until the
/// store renames it into place, so no other writer can swap a component between check and use.</para>
/// </summary>
internal sealed partial class SnapshotWriter
{
    private const uint SetIdBits = 0xC00; // S_ISUID | S_ISGID
    private readonly string root;
    private readonly HashSet<string> verifiedDirs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> directoryTimes = new(StringComparer.Ordinal);
    private readonly byte[] buffer = new byte[256 * 1024];

    public SnapshotWriter(string root)
    {
        this.root = Path.GetFullPath(root).TrimEnd('/');
        var st = LibC.Lstat(this.root);
        if (st is not { IsDirectory: true }) throw new ArgumentException($"'{root}' is not a directory", nameof(root));
    }

    public UnpackStats Stats { get; } = new();

    /// <summary>Applies one entry. Throws <see cref="ImageException"/> for an entry that is unsafe or malformed.</summary>
    public void Apply(TarEntry entry)
    {
        Stats.Entries++;
        if (entry.EntryType is TarEntryType.GlobalExtendedAttributes) return;
        var parts = TarPath.Clean(entry.Name);
        var name = parts.Length == 0 ? "" : parts[^1];
        if (name.StartsWith(".wh.", StringComparison.Ordinal) && entry.EntryType is not TarEntryType.Directory)
        {
            ApplyWhiteout(entry, parts);
            return;
        }
        if (parts.Length == 0)
        {
            if (entry.EntryType != TarEntryType.Directory) throw Unsafe(entry, "would replace the snapshot root");
            ApplyMetadata(entry, root, isDirectory: true);
            directoryTimes[root] = entry.ModificationTime;
            return;
        }
        var parent = EnsureParent(parts, parts.Length - 1, entry.Name, create: true);
        var path = parent + "/" + name;
        var rel = string.Join('/', parts);
        switch (entry.EntryType)
        {
            case TarEntryType.Directory:
                WriteDirectory(entry, path, rel);
                break;
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                WriteFile(entry, path, rel);
                break;
            case TarEntryType.SymbolicLink:
                WriteSymlink(entry, path, rel);
                break;
            case TarEntryType.HardLink:
                WriteHardlink(entry, path, rel);
                break;
            case TarEntryType.Fifo:
                RemoveExisting(path, rel);
                Check(LibC.Mknod(path, LibC.S_IFIFO | 0x180, 0), "mknod", path);
                ApplyMetadata(entry, path, isDirectory: false);
                break;
            case TarEntryType.CharacterDevice or TarEntryType.BlockDevice:
                // Policy: an image never brings its own device nodes; the runtime provides /dev.
                Stats.DevicesSkipped++;
                break;
            default:
                throw new ImageException(ImageErrorCode.InvalidLayer,
                    $"tar entry '{TarPath.Show(entry.Name)}' has unsupported type {entry.EntryType}");
        }
    }

    /// <summary>Sets directory times last: creating children would otherwise change them again.</summary>
    public void Finish()
    {
        foreach (var (path, time) in directoryTimes)
        {
            if (LibC.Lstat(path) is { IsDirectory: true }) LibC.SetTimesNoFollow(path, time);
        }
    }

    private void WriteDirectory(TarEntry entry, string path, string rel)
    {
        var st = LibC.Lstat(path);
        if (st is not { IsDirectory: true })
        {
            if (st is not null) RemoveExisting(path, rel);
            Directory.CreateDirectory(path);
        }
        verifiedDirs.Add(rel);
        Stats.Directories++;
        ApplyMetadata(entry, path, isDirectory: true);
        directoryTimes[path] = entry.ModificationTime;
    }

    private void WriteSymlink(TarEntry entry, string path, string rel)
    {
        // The target is data inside the image; it is stored as is and never followed here.
        if (string.IsNullOrEmpty(entry.LinkName) || entry.LinkName.Contains('\0', StringComparison.Ordinal))
            throw new ImageException(ImageErrorCode.InvalidLayer, $"symlink '{TarPath.Show(entry.Name)}' has an empty or invalid target");
        RemoveExisting(path, rel);
        File.CreateSymbolicLink(path, entry.LinkName);
        Stats.Symlinks++;
        Check(LibC.Lchown(path, entry.Uid, entry.Gid), "lchown", path);
        LibC.SetTimesNoFollow(path, entry.ModificationTime);
    }

    private void WriteHardlink(TarEntry entry, string path, string rel)
    {
        var targetParts = TarPath.Clean(entry.LinkName);
        if (targetParts.Length == 0) throw Unsafe(entry, "is a hardlink to the snapshot root");
        var targetParent = EnsureParent(targetParts, targetParts.Length - 1, entry.LinkName, create: false);
        var target = targetParent + "/" + targetParts[^1];
        var targetStat = LibC.Lstat(target);
        if (targetStat is null) throw Unsafe(entry, $"is a hardlink to '{TarPath.Show(entry.LinkName)}', which is not in the layer before it");
        if (targetStat.Value.IsDirectory) throw Unsafe(entry, "is a hardlink to a directory");
        // Replacing a directory removes everything under it, the link's own target too (found by fuzz/, target tar).
        if (target.StartsWith(path + "/", StringComparison.Ordinal))
            throw new ImageException(ImageErrorCode.InvalidLayer,
                $"tar entry '{TarPath.Show(entry.Name)}' is a hardlink to '{TarPath.Show(entry.LinkName)}', which the entry itself replaces");
        var existing = LibC.Lstat(path);
        if (existing is { } e && e.Inode == targetStat.Value.Inode) return;
        RemoveExisting(path, rel);
        Check(LibC.Link(target, path), "link", path);
        Stats.Hardlinks++;
    }

    private static ImageException Unsafe(TarEntry entry, string why) =>
        new(ImageErrorCode.UnsafeLayer, $"tar entry '{TarPath.Show(entry.Name)}' {why}");

    private static void Check(int rc, string call, string path)
    {
        if (rc != 0) throw new IOException($"{call} '{path}' failed: errno {LibC.LastError}");
    }
}
