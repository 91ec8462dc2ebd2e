using System.Text.Json.Serialization;

namespace Lamina.Sandbox.Spec;

// Typed records for the parts of the OCI runtime spec (config.json, runtime-spec 1.0.2) that
// Lamina writes. Field names follow the spec exactly; nulls are omitted on serialization.

/// <summary>The root of an OCI runtime bundle's config.json.</summary>
public sealed record RuntimeSpec(
    [property: JsonPropertyName("ociVersion")] string OciVersion,
    [property: JsonPropertyName("process")] ProcessSpec Process,
    [property: JsonPropertyName("root")] RootSpec Root,
    [property: JsonPropertyName("hostname")] string Hostname,
    [property: JsonPropertyName("mounts")] IReadOnlyList<MountSpec> Mounts,
    [property: JsonPropertyName("linux")] LinuxSpec Linux);

/// <summary>The container's first process: what runc executes after setting everything up.</summary>
public sealed record ProcessSpec(
    [property: JsonPropertyName("terminal")] bool Terminal,
    [property: JsonPropertyName("user")] UserSpec User,
    [property: JsonPropertyName("args")] IReadOnlyList<string> Args,
    [property: JsonPropertyName("env")] IReadOnlyList<string> Env,
    [property: JsonPropertyName("cwd")] string Cwd,
    [property: JsonPropertyName("capabilities")] CapabilitiesSpec Capabilities,
    [property: JsonPropertyName("rlimits")] IReadOnlyList<RlimitSpec> Rlimits,
    [property: JsonPropertyName("noNewPrivileges")] bool NoNewPrivileges);

/// <summary>Numeric identity of the process; names are never resolved inside the image.</summary>
public sealed record UserSpec(
    [property: JsonPropertyName("uid")] uint Uid,
    [property: JsonPropertyName("gid")] uint Gid,
    [property: JsonPropertyName("additionalGids")] IReadOnlyList<uint> AdditionalGids);

/// <summary>The five capability sets; Lamina leaves every one empty.</summary>
public sealed record CapabilitiesSpec(
    [property: JsonPropertyName("bounding")] IReadOnlyList<string> Bounding,
    [property: JsonPropertyName("effective")] IReadOnlyList<string> Effective,
    [property: JsonPropertyName("inheritable")] IReadOnlyList<string> Inheritable,
    [property: JsonPropertyName("permitted")] IReadOnlyList<string> Permitted,
    [property: JsonPropertyName("ambient")] IReadOnlyList<string> Ambient)
{
    /// <summary>All sets empty: the process holds no capability, even as uid 0.</summary>
    public static CapabilitiesSpec None { get; } = new([], [], [], [], []);
}

/// <summary>One POSIX resource limit (type such as RLIMIT_NOFILE).</summary>
public sealed record RlimitSpec(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("hard")] ulong Hard,
    [property: JsonPropertyName("soft")] ulong Soft);

/// <summary>The root filesystem, relative to the bundle directory.</summary>
public sealed record RootSpec(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("readonly")] bool Readonly);

/// <summary>A mount runc performs inside the container's mount namespace.</summary>
public sealed record MountSpec(
    [property: JsonPropertyName("destination")] string Destination,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("options")] IReadOnlyList<string> Options);
