using Lamina.Sandbox.Seccomp;

namespace Lamina.Sandbox.Spec;

/// <summary>Builds the OCI runtime spec (config.json) of one Lambda execution environment.</summary>
/// <remarks>
/// The root filesystem is the bundle's "rootfs" directory, which the manager has already mounted
/// as a read-only overlay of the image's snapshots. Every path inside the sandbox that is writable
/// is listed here: /tmp (sized tmpfs), /dev/shm, and the control directory.
/// </remarks>
public static class SpecBuilder
{
    /// <summary>Lambda's sandbox user (sbx_user1051 style); the image's USER is ignored.</summary>
    public const uint SandboxUid = 993;

    /// <summary>Group of the sandbox user.</summary>
    public const uint SandboxGid = 990;

    /// <summary>Where the per-sandbox control directory appears inside the sandbox.</summary>
    public const string ControlMountPath = "/run/lamina";

    internal static readonly string[] MaskedPaths =
    [
        "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
        "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
        "/sys/firmware", "/sys/devices/virtual/powercap",
    ];

    internal static readonly string[] ReadonlyPaths =
        ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];

    /// <summary>Builds the spec for <paramref name="request"/>; the request must be valid.</summary>
    /// <param name="request">A request that passed <see cref="SandboxRequestValidator"/>.</param>
    /// <param name="controlDirectory">Host directory bind-mounted read-write at <see cref="ControlMountPath"/>.</param>
    /// <param name="cgroupParent">cgroup parent name, e.g. "lamina"; the sandbox's cgroup is /parent/id.</param>
    /// <param name="cpu">CPU quota settings; null is <see cref="CpuLimits.Default"/>.</param>
    /// <param name="swapAccounting">Whether the kernel accounts swap for the sandbox's cgroup (so a swap limit can
    /// be set); null: cgroup v1, where memory.memsw.limit_in_bytes says so.</param>
    /// <param name="seccompFilter">Host path of the precompiled filter (<see cref="SeccompFilterFile"/>), or null. Used
    /// only when the request's first process is an agent that loads it (<see cref="UsesAgentFilter"/>): the agent gets
    /// <c>--seccomp</c> and the file read-only, and the spec no seccomp section; otherwise the spec's own.</param>
    public static RuntimeSpec Build(SandboxRequest request, string controlDirectory, string cgroupParent, CpuLimits? cpu = null,
        bool? swapAccounting = null, string? seccompFilter = null)
    {
        var agentFilter = seccompFilter is not null && UsesAgentFilter(request) ? request.Agent!.ContainerPath + SeccompFilterFile.ContainerSuffix : null;
        IEnumerable<string> prefix = agentFilter is null
            ? request.InitPrefix
            : [request.InitPrefix[0], "--seccomp", agentFilter, .. request.InitPrefix.Skip(1)];
        var args = prefix.Concat(ProcessCommand.Resolve(request.Image, request.Overrides)).ToList();
        var process = new ProcessSpec(
            Terminal: false,
            User: new UserSpec(SandboxUid, SandboxGid, []),
            Args: args,
            Env: LambdaVariables.Build(request),
            Cwd: ProcessCommand.WorkingDirectory(request.Image, request.Overrides),
            Capabilities: CapabilitiesSpec.None,
            Rlimits: [new("RLIMIT_NOFILE", 1024, 1024), new("RLIMIT_CORE", 0, 0)],
            NoNewPrivileges: true);

        List<NamespaceSpec> namespaces = [new("pid"), new("mount"), new("ipc"), new("uts")];
        if (request.Network == NetworkMode.None) namespaces.Add(new("network"));

        var linux = new LinuxSpec(
            namespaces,
            CgroupsPath: "/" + cgroupParent + "/" + request.Id,
            Resources: Resources(request, cpu ?? CpuLimits.Default, swapAccounting),
            Seccomp: agentFilter is null ? SeccompProfile.Build() : null,
            MaskedPaths: MaskedPaths,
            ReadonlyPaths: ReadonlyPaths,
            RootfsPropagation: "private");

        return new RuntimeSpec("1.0.2", process, new RootSpec("rootfs", Readonly: true),
            Hostname: "localhost", Mounts(request, controlDirectory, agentFilter is null ? null : seccompFilter), linux);
    }

    /// <summary>Whether the sandbox's first process is an agent that installs the precompiled filter itself.</summary>
    public static bool UsesAgentFilter(SandboxRequest request) =>
        request.Agent is { LoadsSeccomp: true } agent && request.InitPrefix.Count > 0 && request.InitPrefix[0] == agent.ContainerPath;

    /// <summary>The spec as config.json bytes (source-generated serializer, nulls omitted).</summary>
    public static byte[] Serialize(RuntimeSpec spec) =>
        System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(spec, SpecJsonContext.Default.RuntimeSpec);

    private static ResourcesSpec Resources(SandboxRequest request, CpuLimits cpu, bool? swapAccounting)
    {
        long bytes = (long)request.MemoryMb * 1024 * 1024;
        // memory.memsw.limit_in_bytes exists only when the kernel accounts swap; runc refuses to set
        // swap otherwise. Equal to the limit means "no swap" (on cgroup v2 runc writes memory.swap.max 0).
        long? swap = (swapAccounting ?? File.Exists("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes")) ? bytes : null;
        return new ResourcesSpec(
            Devices: [new DeviceRuleSpec(Allow: false, Access: "rwm")],
            Memory: new MemorySpec(bytes, swap, DisableOomKiller: false),
            Cpu: new CpuSpec(Shares: CpuLimits.Shares,
                Quota: cpu.CreateQuotaUs(request.MemoryMb), Period: CpuLimits.PeriodUs),
            Pids: new PidsSpec(request.PidsLimit));
    }

    /// <summary>/proc, a fresh /dev with pts, shm and mqueue: what every container (function or build step) gets.</summary>
    internal static List<MountSpec> KernelMounts() =>
    [
        new("/proc", "proc", "proc", ["nosuid", "noexec", "nodev"]),
        new("/dev", "tmpfs", "tmpfs", ["nosuid", "strictatime", "mode=755", "size=65536k"]),
        new("/dev/pts", "devpts", "devpts", ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]),
        new("/dev/shm", "tmpfs", "shm", ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]),
        new("/dev/mqueue", "mqueue", "mqueue", ["nosuid", "noexec", "nodev"]),
    ];

    private static List<MountSpec> Mounts(SandboxRequest request, string controlDirectory, string? seccompFilter)
    {
        var mounts = KernelMounts();
        mounts.Add(new("/tmp", "tmpfs", "tmpfs", ["nosuid", "nodev", "mode=1777", $"size={request.EphemeralStorageMb}m"]));
        mounts.Add(new(ControlMountPath, "bind", controlDirectory, ["rbind", "nosuid", "nodev", "noexec", "rw"]));
        // sysfs can only be mounted by the owner of the network namespace; with the host's network
        // the sandbox gets none at all rather than the host's view.
        if (request.Network == NetworkMode.None)
            mounts.Insert(5, new("/sys", "sysfs", "sysfs", ["nosuid", "noexec", "nodev", "ro"]));
        if (request.Agent is { } agent)
        {
            mounts.Add(new(agent.ContainerPath, "bind", agent.HostPath, ["bind", "ro", "nosuid", "nodev"]));
            if (seccompFilter is not null)
                mounts.Add(new(agent.ContainerPath + SeccompFilterFile.ContainerSuffix, "bind", seccompFilter, ["bind", "ro", "nosuid", "nodev", "noexec"]));
        }
        return mounts;
    }
}
