using Lamina.Sandbox.Spec;

namespace Lamina.Sandbox.Host;

/// <summary>Mounts and unmounts a sandbox's read-only overlay root filesystem.</summary>
internal static class RootFs
{
    // The mount(2) data argument is limited to one page.
    private const int MaxMountData = 4095;

    /// <summary>
    /// Builds the skeleton layer (mount targets the read-only image may lack) and mounts
    /// overlay(skeleton, layers…) read-only at the bundle's rootfs.
    /// </summary>
    public static SandboxError? Mount(SandboxLayout layout, SandboxRequest request)
    {
        var skeleton = layout.Skeleton(request.Id);
        foreach (var dir in new[] { "proc", "dev", "sys", "tmp", SpecBuilder.ControlMountPath[1..] })
            Directory.CreateDirectory(Path.Combine(skeleton, dir));
        // runc gives a tmpfs the mode of the directory it covers, whatever the mode= option says.
        File.SetUnixFileMode(Path.Combine(skeleton, "tmp"), (UnixFileMode)0b1_111_111_111);
        if (request.Agent is { } agent)
        {
            var target = Path.Combine(skeleton, agent.ContainerPath[1..]);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllBytes(target, []);
        }

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
