using System.Formats.Tar;
using System.Text;
using Lamina.Images.Native;
using Microsoft.Win32.SafeHandles;

namespace Lamina.Images.Unpack;

internal sealed partial class SnapshotWriter
{
    private const string XattrPrefix = "SCHILY.xattr.";

    private void WriteFile(TarEntry entry, string path, string rel)
    {
        RemoveExisting(path, rel);
        // CreateNew is O_CREAT|O_EXCL: it fails rather than follow anything that appeared at the final component.
        using (var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.None))
        {
            CopyData(entry, handle);
            Check(LibC.Lchown(path, entry.Uid, entry.Gid), "lchown", path);
            File.SetUnixFileMode(handle, (UnixFileMode)SafeMode(entry));
        }
        Stats.Files++;
        ApplyXattrs(entry, path);
        LibC.SetTimesNoFollow(path, entry.ModificationTime);
    }

    private void CopyData(TarEntry entry, SafeFileHandle handle)
    {
        var data = entry.DataStream;
        if (data is null) return;
        long offset = 0;
        int n;
        while ((n = data.Read(buffer)) > 0)
        {
            RandomAccess.Write(handle, buffer.AsSpan(0, n), offset);
            offset += n;
        }
        if (offset != entry.Length)
            throw new ImageException(ImageErrorCode.InvalidLayer, $"tar entry '{TarPath.Show(entry.Name)}' is truncated");
    }

    /// <summary>Permission bits with setuid and setgid removed: functions run as a non-root user with
    /// no_new_privs, where those bits can only mislead (and on a host mount they would be a privilege path).</summary>
    private uint SafeMode(TarEntry entry)
    {
        var mode = (uint)entry.Mode & 0xFFF;
        if ((mode & SetIdBits) != 0) Stats.SetIdBitsStripped++;
        return mode & ~SetIdBits;
    }

    private void ApplyMetadata(TarEntry entry, string path, bool isDirectory)
    {
        Check(LibC.Lchown(path, entry.Uid, entry.Gid), "lchown", path);
        File.SetUnixFileMode(path, (UnixFileMode)SafeMode(entry));
        ApplyXattrs(entry, path);
        if (!isDirectory) LibC.SetTimesNoFollow(path, entry.ModificationTime);
    }

    /// <summary>
    /// PAX SCHILY.xattr.* records. Dropped: trusted.overlay.* (a layer must not forge overlay metadata such as
    /// opaque or redirect), security.capability (file capabilities, for the same reason setuid is stripped) and
    /// system.* (binary ACLs the PAX string API cannot carry faithfully).
    /// </summary>
    private void ApplyXattrs(TarEntry entry, string path)
    {
        if (entry is not PaxTarEntry pax) return;
        foreach (var (key, value) in pax.ExtendedAttributes)
        {
            if (!key.StartsWith(XattrPrefix, StringComparison.Ordinal)) continue;
            var name = key[XattrPrefix.Length..];
            if (name.StartsWith("trusted.overlay.", StringComparison.Ordinal) || name == "security.capability" ||
                name.StartsWith("system.", StringComparison.Ordinal) || name.Length == 0)
            {
                Stats.XattrsDropped++;
                continue;
            }
            LibC.SetXattrNoFollow(path, name, Encoding.UTF8.GetBytes(value));
        }
    }

    /// <summary>
    /// OCI whiteouts become what overlayfs reads: ".wh.NAME" a 0/0 character device named NAME, and
    /// ".wh..wh..opq" the trusted.overlay.opaque=y xattr on its directory. A whiteout only hides lower layers,
    /// so a same-named entry of this layer is kept. Parents are resolved like any entry: never through a symlink.
    /// </summary>
    private void ApplyWhiteout(TarEntry entry, string[] parts)
    {
        var name = parts[^1];
        if (name == ".wh..wh..opq")
        {
            var dir = EnsureParent(parts, parts.Length - 1, entry.Name, create: true);
            LibC.SetXattrNoFollow(dir, "trusted.overlay.opaque", "y"u8);
            Stats.OpaqueDirectories++;
            return;
        }
        if (name.StartsWith(".wh..wh.", StringComparison.Ordinal)) return; // AUFS bookkeeping (.wh..wh.plnk…), meaningless here
        var hidden = name[".wh.".Length..];
        if (hidden is "" or "." or ".." || hidden.Contains('/', StringComparison.Ordinal))
            throw Unsafe(entry, "is a whiteout without a valid name");
        var parent = EnsureParent(parts, parts.Length - 1, entry.Name, create: true);
        var path = parent + "/" + hidden;
        if (LibC.Lstat(path) is not null) return;
        Check(LibC.Mknod(path, LibC.S_IFCHR, 0), "mknod", path);
        Stats.Whiteouts++;
    }
}
