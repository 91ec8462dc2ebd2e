using System.Security.Cryptography;

namespace Lamina.Sandbox.Seccomp;

/// <summary>
/// The sandbox profile compiled once (<see cref="SeccompCompiler"/>) and written once per data directory, for
/// lamina-init to install itself (<c>--seccomp PATH</c>) instead of runc compiling the profile on every start.
/// </summary>
/// <remarks>
/// The file is root's, mode 0444, in the manager's data directory (root's, outside every sandbox), and reaches the
/// sandbox through a read-only bind mount: the function can neither write nor replace it. Its name is its content
/// hash, so a new Lamina version writes a new file and never rewrites one a running sandbox has mounted.
/// </remarks>
internal static class SeccompFilterFile
{
    /// <summary>Suffix of the filter's path inside the sandbox: next to the agent, <c>/opt/lamina/lamina-init.seccomp</c>.</summary>
    public const string ContainerSuffix = ".seccomp";

    /// <summary>The function sandbox's filter (<see cref="SeccompProfile.Build"/>) as program bytes.</summary>
    public static byte[] ProfileProgram => Compiled.Value;

    private static readonly Lazy<byte[]> Compiled = new(() => BpfInstruction.ToBytes(SeccompCompiler.Compile(SeccompProfile.Build())));

    /// <summary>Writes the program under <paramref name="layout"/> unless already there; returns its host path.</summary>
    public static string Write(SandboxLayout layout, byte[] program)
    {
        var directory = Path.Combine(layout.DataDirectory, "seccomp");
        var path = Path.Combine(directory, Convert.ToHexStringLower(SHA256.HashData(program))[..16] + ".bpf");
        if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(program)) return path;
        Directory.CreateDirectory(directory);
        // A name of its own per call: the first sandboxes of a server (a spare and a cold start) may write at once,
        // and a shared temporary name let one writer rename the other's file away mid-write.
        var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        using (var stream = new FileStream(temporary, new FileStreamOptions
        {
            Mode = FileMode.Create, Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
        }))
        {
            stream.Write(program);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
        return path;
    }
}
