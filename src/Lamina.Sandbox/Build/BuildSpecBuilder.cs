using Lamina.Sandbox.Seccomp;
using Lamina.Sandbox.Spec;

namespace Lamina.Sandbox.Build;

/// <summary>
/// The OCI runtime spec of a build step. Unlike a function sandbox (<see cref="SpecBuilder"/>), a RUN executes as
/// root (or the stage's USER) on a writable root filesystem with Docker's default capability set and the host's
/// network, as <c>docker build</c> does; it keeps the seccomp filter, no_new_privs, a pids limit, a device
/// cgroup denying all but runc's defaults, and the masked /proc paths.
/// </summary>
public static class BuildSpecBuilder
{
    /// <summary>Docker's default capabilities for containers (and so for docker build's RUN).</summary>
    public static readonly IReadOnlyList<string> DockerDefaultCapabilities =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

    /// <summary>Host files bind-mounted read-only so name resolution works with the host network.</summary>
    public static readonly IReadOnlyList<string> HostFiles = ["/etc/resolv.conf", "/etc/hosts"];

    /// <summary>Builds the spec; <paramref name="cgroupParent"/> is the cgroup directory under each hierarchy.</summary>
    public static RuntimeSpec Build(BuildRunRequest request, string cgroupParent)
    {
        var caps = DockerDefaultCapabilities;
        var process = new ProcessSpec(
            Terminal: false,
            User: new UserSpec(request.Uid, request.Gid, []),
            Args: request.Args,
            Env: request.Env,
            Cwd: request.WorkingDirectory,
            // Ambient stays empty: a non-root USER gets no capability, as in Docker.
            Capabilities: new CapabilitiesSpec(caps, caps, [], caps, []),
            // No rlimits: the command inherits the builder's, as docker build's RUN inherits dockerd's.
            Rlimits: [],
            NoNewPrivileges: true);

        List<NamespaceSpec> namespaces = [new("pid"), new("mount"), new("ipc"), new("uts")];
        if (request.Network == NetworkMode.None) namespaces.Add(new("network"));
        var linux = new LinuxSpec(
            namespaces,
            CgroupsPath: "/" + cgroupParent + "/" + request.Id,
            // No memory or CPU limit (docker build sets none); null fields are left out of config.json.
            Resources: new ResourcesSpec(Devices: [new DeviceRuleSpec(Allow: false, Access: "rwm")], Memory: null!, Cpu: null!,
                Pids: new PidsSpec(request.PidsLimit)),
            Seccomp: SeccompProfile.Build(),
            MaskedPaths: SpecBuilder.MaskedPaths,
            ReadonlyPaths: SpecBuilder.ReadonlyPaths,
            RootfsPropagation: "private");
        return new RuntimeSpec("1.0.2", process, new RootSpec("rootfs", Readonly: false), "lamina-build", Mounts(request), linux);
    }

    private static List<MountSpec> Mounts(BuildRunRequest request)
    {
        var mounts = SpecBuilder.KernelMounts();
        if (request.Network == NetworkMode.None) mounts.Add(new("/sys", "sysfs", "sysfs", ["nosuid", "noexec", "nodev", "ro"]));
        else
        {
            foreach (var file in HostFiles.Where(File.Exists))
                mounts.Add(new(file, "bind", file, ["rbind", "ro", "nosuid", "nodev", "noexec"]));
        }
        return mounts;
    }
}
