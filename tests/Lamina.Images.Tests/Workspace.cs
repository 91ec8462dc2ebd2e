using System.Security.Cryptography;
using System.Text;
using Lamina.Images.Native;
using Lamina.Images.Unpack;
using Lamina.Oci;

namespace Lamina.Images.Tests;

/// <summary>
/// A temp directory holding a snapshot target and, next to it, an "outside" tree with a victim file and
/// directory that hostile layers aim at. <see cref="Outside"/> is fingerprinted before and after each unpack
/// so a test can prove nothing outside the snapshot was created or changed.
/// </summary>
internal sealed class Workspace : IDisposable
{
    public Workspace()
    {
        Root = Path.Combine(Path.GetTempPath(), "lamina-img-" + Guid.NewGuid().ToString("n"));
        Outside = Path.Combine(Root, "outside");
        Target = Path.Combine(Root, "snap", "fs");
        Directory.CreateDirectory(Path.Combine(Outside, "victimdir"));
        File.WriteAllText(Path.Combine(Outside, "victim"), "original");
        File.WriteAllText(Path.Combine(Outside, "victimdir", "inner"), "original");
        File.SetUnixFileMode(Path.Combine(Outside, "victim"), (UnixFileMode)0x1A4);
        Directory.CreateDirectory(Target);
    }

    public string Root { get; }
    public string Outside { get; }
    public string Target { get; }

    /// <summary>Type, mode, owner, size, inode, mtime, content hash and opaque xattr of everything outside the snapshot.</summary>
    public string Fingerprint()
    {
        var sb = new StringBuilder();
        foreach (var path in Directory.EnumerateFileSystemEntries(Root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (path.StartsWith(Path.Combine(Root, "snap"), StringComparison.Ordinal)) continue;
            var st = LibC.Lstat(path)!.Value;
            var info = new FileInfo(path);
            sb.Append(path).Append(' ').Append(st.Mode).Append(' ').Append(st.Uid).Append(' ').Append(st.Size).Append(' ')
              .Append(st.Inode).Append(' ').Append(info.LastWriteTimeUtc.Ticks);
            if (st.IsRegular) sb.Append(' ').Append(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))));
            if (LibC.GetXattrNoFollow(path, "trusted.overlay.opaque") is not null) sb.Append(" opaque");
            sb.Append('\n');
        }
        return sb.ToString();
    }

    public UnpackResult Unpack(byte[] blob, string mediaType = MediaTypes.OciLayerTar, UnpackLimits? limits = null) =>
        LayerUnpacker.Unpack(new MemoryStream(blob), mediaType, blob.Length, Target, limits ?? new UnpackLimits());

    /// <summary>Unpacks a layer that must be refused: returns the error and asserts the outside tree did not change.</summary>
    public ImageException Refused(byte[] blob, ImageErrorCode code, string mediaType = MediaTypes.OciLayerTar, UnpackLimits? limits = null)
    {
        var before = Fingerprint();
        var e = Assert.Throws<ImageException>(() => Unpack(blob, mediaType, limits));
        Assert.Equal(code, e.Code);
        Assert.Equal(before, Fingerprint());
        return e;
    }

    /// <summary>Unpacks a layer that is accepted, asserting the outside tree did not change.</summary>
    public UnpackResult Accepted(byte[] blob, string mediaType = MediaTypes.OciLayerTar)
    {
        var before = Fingerprint();
        var result = Unpack(blob, mediaType);
        Assert.Equal(before, Fingerprint());
        return result;
    }

    public string In(string relative) => Path.Combine(Target, relative);

    public FileStat? Stat(string relative) => LibC.Lstat(In(relative));

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
