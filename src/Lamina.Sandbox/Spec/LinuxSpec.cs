using System.Text.Json.Serialization;

namespace Lamina.Sandbox.Spec;

/// <summary>The Linux-specific part of the spec: namespaces, cgroups, seccomp (null: the agent installs the filter
/// itself, docs/sandbox.md "Seccomp"), masked paths.</summary>
public sealed record LinuxSpec(
    [property: JsonPropertyName("namespaces")] IReadOnlyList<NamespaceSpec> Namespaces,
    [property: JsonPropertyName("cgroupsPath")] string CgroupsPath,
    [property: JsonPropertyName("resources")] ResourcesSpec Resources,
    [property: JsonPropertyName("seccomp")] SeccompSpec? Seccomp,
    [property: JsonPropertyName("maskedPaths")] IReadOnlyList<string> MaskedPaths,
    [property: JsonPropertyName("readonlyPaths")] IReadOnlyList<string> ReadonlyPaths,
    [property: JsonPropertyName("rootfsPropagation")] string RootfsPropagation);

/// <summary>A namespace to create (no path) for the container.</summary>
public sealed record NamespaceSpec([property: JsonPropertyName("type")] string Type);

/// <summary>cgroup limits runc writes when it creates the container's cgroup.</summary>
public sealed record ResourcesSpec(
    [property: JsonPropertyName("devices")] IReadOnlyList<DeviceRuleSpec> Devices,
    [property: JsonPropertyName("memory")] MemorySpec Memory,
    [property: JsonPropertyName("cpu")] CpuSpec Cpu,
    [property: JsonPropertyName("pids")] PidsSpec Pids);

/// <summary>A device cgroup rule; Lamina denies all and runc re-allows its default devices.</summary>
public sealed record DeviceRuleSpec(
    [property: JsonPropertyName("allow")] bool Allow,
    [property: JsonPropertyName("access")] string Access);

/// <summary>Memory limit in bytes; swap (memory+swap in cgroup v1) equal to the limit disables swap.</summary>
public sealed record MemorySpec(
    [property: JsonPropertyName("limit")] long Limit,
    [property: JsonPropertyName("swap")] long? Swap,
    [property: JsonPropertyName("disableOOMKiller")] bool DisableOomKiller);

/// <summary>CFS quota/period (microseconds) and relative shares; a null quota is left out (the cgroup's own, -1 when new).</summary>
public sealed record CpuSpec(
    [property: JsonPropertyName("shares")] ulong Shares,
    [property: JsonPropertyName("quota")] long? Quota,
    [property: JsonPropertyName("period")] ulong Period);

/// <summary>Maximum number of tasks (processes and threads) in the cgroup.</summary>
public sealed record PidsSpec([property: JsonPropertyName("limit")] long Limit);

/// <summary>A seccomp filter: default action for unlisted syscalls plus per-syscall rules.</summary>
public sealed record SeccompSpec(
    [property: JsonPropertyName("defaultAction")] string DefaultAction,
    [property: JsonPropertyName("defaultErrnoRet")] uint? DefaultErrnoRet,
    [property: JsonPropertyName("architectures")] IReadOnlyList<string> Architectures,
    [property: JsonPropertyName("syscalls")] IReadOnlyList<SyscallRuleSpec> Syscalls);

/// <summary>An action for a set of syscall names, optionally only when the arguments match.</summary>
public sealed record SyscallRuleSpec(
    [property: JsonPropertyName("names")] IReadOnlyList<string> Names,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("errnoRet")] uint? ErrnoRet = null,
    [property: JsonPropertyName("args")] IReadOnlyList<SyscallArgSpec>? Args = null);

/// <summary>A comparison on one syscall argument (op such as SCMP_CMP_EQ or SCMP_CMP_MASKED_EQ).</summary>
public sealed record SyscallArgSpec(
    [property: JsonPropertyName("index")] uint Index,
    [property: JsonPropertyName("value")] ulong Value,
    [property: JsonPropertyName("valueTwo")] ulong ValueTwo,
    [property: JsonPropertyName("op")] string Op);
