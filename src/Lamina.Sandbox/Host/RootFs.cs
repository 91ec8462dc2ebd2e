using Lamina.Sandbox.Spec;

namespace Lamina.Sandbox.Host;

/// <summary>Mounts and unmounts a sandbox's read-only overlay root filesystem.</summary>
internal static class RootFs
{
    // The mount(2) data argument is limited to one page.
    private const int MaxMountData = 4095;

    /// <summary>
    /// Mounts overlay(skeleton, layers…) read-only at the bundle's rootfs; the skeleton (mount targets the
    /// read-only image may lack) is shared by every sandbox with the same agent path (<see cref="Skeletons"/>).
    /// </summary>
    public static SandboxError? Mount(SandboxLayout layout, SandboxRequest request, Skeletons skeletons)
    {
        var skeleton = skeletons.For(request.Agent);
        var rootfs = layout.RootFs(request.Id);
        Directory.CreateDirectory(rootfs);
        // Only lower layers and no upperdir: overlayfs itself is read-only, MS_RDONLY makes it explicit.
        var data = "lowerdir=" + string.Join(':', request.Layers.Prepend(skeleton));
        if (data.Length > MaxMountData)
            return new(SandboxErrorCode.InvalidRequest,
                $"The {request.Layers.Count} layer paths are too long for one overlay mount ({data.Length} > {MaxMountData} bytes).");
        if (Libc.mount("overlay", rootfs, "overlay", Libc.MsRdonly | Libc.MsNosuid | Libc.MsNodev, data) != 0)
            return new(SandboxErrorCode.MountFailed, $"mount overlay at {rootfs}: {Libc.LastError()}");
        return null;
    }

    /// <summary>Unmounts everything at or below <paramref name="directory"/>, deepest first.</summary>
    /// <returns>Mount points still present afterwards.</returns>
    public static List<string> UnmountAll(string directory)
    {
        foreach (var point in MountTable.Under(directory))
        {
            // A busy mount (a stray process still inside) is detached: it vanishes from our
            // namespace now and the kernel frees it when the last user goes.
            if (Libc.umount2(point, 0) != 0) Libc.umount2(point, Libc.MntDetach);
        }
        return MountTable.Under(directory);
    }
}
