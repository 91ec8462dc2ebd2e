using Lamina.Sandbox.Host;

namespace Lamina.Sandbox.Build;

/// <summary>
/// A read-only overlay of unpacked layers mounted on the host, so a build can read another stage's root
/// filesystem (COPY --from). The mount is MS_RDONLY|nosuid|nodev and has no upper directory; callers must not
/// follow symlinks inside it (they point into the image's namespace, not the host's).
/// </summary>
public sealed class LayerView : IDisposable
{
    private readonly string _directory;

    private LayerView(string directory, string root)
    {
        _directory = directory;
        Root = root;
    }

    /// <summary>The merged root filesystem.</summary>
    public string Root { get; }

    /// <summary>Mounts <paramref name="layers"/> (top first) under the empty directory <paramref name="directory"/>.</summary>
    public static SandboxResult<LayerView> Mount(IReadOnlyList<string> layers, string directory)
    {
        var empty = Path.Combine(directory, "empty");
        var root = Path.Combine(directory, "root");
        Directory.CreateDirectory(empty);
        Directory.CreateDirectory(root);
        // Two lower directories at least: overlayfs refuses a single lowerdir without an upper one.
        var data = "lowerdir=" + string.Join(':', layers.Prepend(empty));
        if (data.Length > 4095)
            return new SandboxError(SandboxErrorCode.InvalidRequest, $"{layers.Count} layers are too many for one overlay mount");
        if (Libc.mount("overlay", root, "overlay", Libc.MsRdonly | Libc.MsNosuid | Libc.MsNodev, data) != 0)
            return new SandboxError(SandboxErrorCode.MountFailed, $"mount overlay at {root}: {Libc.LastError()}");
        return new LayerView(directory, root);
    }

    /// <summary>Unmounts and removes the directory (only once nothing is mounted under it).</summary>
    public void Dispose()
    {
        RootFs.UnmountAll(_directory);
        if (MountTable.Under(_directory).Count == 0) Directory.Delete(_directory, recursive: true);
    }
}
