using System.Text.RegularExpressions;
using Lamina.Sandbox.Spec;

namespace Lamina.Sandbox;

/// <summary>Checks a <see cref="SandboxRequest"/> before anything touches the host.</summary>
public static partial class SandboxRequestValidator
{
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex IdPattern();

    /// <summary>True when <paramref name="id"/> is a well-formed sandbox id.</summary>
    public static bool IsValidId(string id) => IdPattern().IsMatch(id);

    /// <summary>Null when the request is usable, else an <see cref="SandboxErrorCode.InvalidRequest"/> error naming the field.</summary>
    public static SandboxError? Validate(SandboxRequest r)
    {
        if (!IdPattern().IsMatch(r.Id))
            return Invalid($"Id '{r.Id}' must be 1-64 characters of [a-z0-9-], starting with a letter or digit.");
        if (r.Layers.Count == 0) return Invalid("Layers must name at least one snapshot directory.");
        foreach (var layer in r.Layers)
        {
            // ':' and ',' separate overlayfs options; a path holding them would change the mount.
            if (!Path.IsPathFullyQualified(layer) || layer.IndexOfAny([':', ',', '\\', '\n']) >= 0)
                return Invalid($"Layer '{layer}' must be an absolute path without ':', ',' or '\\'.");
            if (!Directory.Exists(layer)) return Invalid($"Layer directory '{layer}' does not exist.");
        }
        if (r.MemoryMb is < 128 or > 10240) return Invalid($"MemorySize {r.MemoryMb} must be between 128 and 10240 MB.");
        if (r.EphemeralStorageMb is < 512 or > 10240)
            return Invalid($"EphemeralStorage {r.EphemeralStorageMb} must be between 512 and 10240 MB.");
        if (r.PidsLimit is < 8 or > 65536) return Invalid($"PidsLimit {r.PidsLimit} must be between 8 and 65536.");
        if (r.Agent is { } agent)
        {
            if (!Path.IsPathFullyQualified(agent.HostPath) || !File.Exists(agent.HostPath))
                return Invalid($"Agent binary '{agent.HostPath}' must be an existing file given by absolute path.");
            if (!IsSafeContainerPath(agent.ContainerPath))
                return Invalid($"Agent path '{agent.ContainerPath}' must be absolute, normalized, and outside /proc, /dev, /sys, /tmp and /run/lamina.");
        }
        foreach (var key in r.Environment?.Keys ?? [])
            if (key.Length == 0 || key.Contains('=') || key.Contains('\0'))
                return Invalid($"Environment variable name '{key}' is not valid.");
        if (r.InitPrefix.Count == 0 && ProcessCommand.Resolve(r.Image, r.Overrides).Count == 0)
            return Invalid("The image has no ENTRYPOINT or CMD and ImageConfig names no command.");
        var cwd = ProcessCommand.WorkingDirectory(r.Image, r.Overrides);
        if (!cwd.StartsWith('/')) return Invalid($"WorkingDirectory '{cwd}' must be an absolute path.");
        return null;
    }

    private static bool IsSafeContainerPath(string path)
    {
        if (!path.StartsWith('/') || path.Length < 2 || path.EndsWith('/')) return false;
        var segments = path[1..].Split('/');
        if (segments.Any(s => s is "" or "." or "..")) return false;
        string[] reserved = ["proc", "dev", "sys", "tmp"];
        return !reserved.Contains(segments[0]) && !(path + "/").StartsWith(SpecBuilder.ControlMountPath + "/", StringComparison.Ordinal);
    }

    private static SandboxError Invalid(string message) => new(SandboxErrorCode.InvalidRequest, message);
}
