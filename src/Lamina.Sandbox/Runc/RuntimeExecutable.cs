using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Lamina.Sandbox.Host;
using Microsoft.Win32.SafeHandles;

namespace Lamina.Sandbox.Runc;

/// <summary>
/// What every command of one OCI runtime executes: the configured path, or for runc a sealed in-memory copy of it.
/// </summary>
/// <remarks>
/// Against CVE-2019-5736 every <c>runc init</c> makes sure it does not run from a file the container could write
/// through /proc/self/exe: unless /proc/self/exe is already a memfd carrying exactly the seals
/// F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE, runc 1.1 makes a read-only bind mount of itself in the
/// host's mount namespace (or copies its ~9 MB into a fresh sealed memfd) and re-executes from it, per sandbox.
/// Lamina makes that sealed memfd once per process and runs runc from it (<c>/proc/&lt;pid&gt;/fd/&lt;n&gt;</c>): runc
/// create's child execs /proc/self/exe, the same sealed file, and runc init goes on without re-executing. A sealed
/// memfd cannot be written, truncated, grown or unsealed by anyone, so the container can no more overwrite the
/// runtime through it than through runc's own per-start copy (docs/sandbox.md, "Runtimes").
/// The copy is made on first use and kept for the life of the process; an upgrade of the runtime on disk is seen
/// at the next server start.
/// </remarks>
internal sealed class RuntimeExecutable
{
    /// <summary>The seals runc 1.1's <c>is_self_cloned</c> requires, no more, no fewer (libcontainer/nsenter/cloned_binary.c).</summary>
    public const int RuncSeals = Libc.FSealSeal | Libc.FSealShrink | Libc.FSealGrow | Libc.FSealWrite;

    /// <summary>The memfd's name: /proc/&lt;pid&gt;/exe of a runc process started from the copy reads <c>/memfd:lamina-runc (deleted)</c>.</summary>
    public const string MemfdName = "lamina-runc";

    private static readonly ConcurrentDictionary<string, Lazy<RuntimeExecutable>> SealedCopies = new(StringComparer.Ordinal);

    // Kept open (and referenced) for the life of the process: the fd is what /proc/<pid>/fd/<n> names.
    private readonly SafeFileHandle? _sealed;

    private RuntimeExecutable(string configuredPath, string path, SafeFileHandle? sealedCopy, string description, bool copyFailed = false)
    {
        ConfiguredPath = configuredPath;
        Path = path;
        _sealed = sealedCopy;
        Description = description;
        CopyFailed = copyFailed;
    }

    /// <summary>The runtime's file as configured.</summary>
    public string ConfiguredPath { get; }

    /// <summary>What to execute: <c>/proc/&lt;pid&gt;/fd/&lt;n&gt;</c> of the sealed copy, or <see cref="ConfiguredPath"/>.</summary>
    public string Path { get; }

    /// <summary>True when <see cref="Path"/> is the sealed in-memory copy.</summary>
    public bool Sealed => _sealed is not null;

    /// <summary>True when the sealed copy was asked for and could not be made: <see cref="Path"/> is the configured file.</summary>
    public bool CopyFailed { get; }

    /// <summary>One line for the server's start-up log: what runs, and why (the failure, when the copy failed).</summary>
    public string Description { get; }

    /// <summary>
    /// The executable of <paramref name="runtime"/> at <paramref name="path"/>: a sealed copy for runc when
    /// <paramref name="sealedCopy"/> (one per path and process, made on the first call), else the path. A copy that
    /// cannot be made, sealed or run falls back to the path; <see cref="Description"/> says why.
    /// </summary>
    public static RuntimeExecutable For(OciRuntime runtime, string path, bool sealedCopy)
    {
        if (runtime != OciRuntime.Runc) return new(path, path, null, $"{runtime.Name()} runs from {path}");
        if (!sealedCopy)
            return new(path, path, null, $"runc runs from {path} (Execution:SealedRuntimeCopy off: runc init protects itself anew for every sandbox)");
        return SealedCopies.GetOrAdd(path, p => new Lazy<RuntimeExecutable>(() => MakeSealedCopy(p))).Value;
    }

    /// <summary>The file at <paramref name="path"/> itself (recovery's other runtime, the build sandbox).</summary>
    public static RuntimeExecutable AsIs(string path) => new(path, path, null, $"runs from {path}");

    private static RuntimeExecutable MakeSealedCopy(string path)
    {
        SafeFileHandle? copy = null;
        try
        {
            copy = CopyIntoSealedMemfd(path, out var bytes);
            var exec = $"/proc/{Environment.ProcessId}/fd/{copy.DangerousGetHandle()}";
            var version = VersionLine(exec);
            if (!version.StartsWith("runc version ", StringComparison.Ordinal))
                throw new IOException($"the copy's --version printed '{version}', not runc's version");
            return new(path, exec, copy, $"runc runs from a sealed in-memory copy of {path} ({version}, {bytes / 1024} KiB): " +
                "runc init skips its per-sandbox self-protection step (a copy or a bind mount of itself, then a re-exec)");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            copy?.Dispose();
            return new(path, path, null, $"runc runs from {path}: the sealed in-memory copy failed ({e.Message}), runc init protects itself anew for every sandbox", copyFailed: true);
        }
    }

    /// <summary>
    /// A memfd (close-on-exec, sealable, executable) holding the file's bytes, sealed with <see cref="RuncSeals"/>, then
    /// reopened read-only so that this process holds no writable descriptor of it either.
    /// </summary>
    internal static SafeFileHandle CopyIntoSealedMemfd(string path, out long bytes)
    {
        var fd = Libc.memfd_create(MemfdName, Libc.MfdCloexec | Libc.MfdAllowSealing | Libc.MfdExec);
        // Kernels before 6.3 know no MFD_EXEC (and every memfd is executable there).
        if (fd < 0 && Marshal.GetLastPInvokeError() == Libc.Einval)
            fd = Libc.memfd_create(MemfdName, Libc.MfdCloexec | Libc.MfdAllowSealing);
        if (fd < 0) throw new IOException("memfd_create: " + Libc.LastError());
        using var writable = new SafeFileHandle(fd, ownsHandle: true);
        using (var source = File.OpenHandle(path, FileMode.Open, FileAccess.Read))
        {
            var buffer = new byte[1 << 20];
            long offset = 0;
            int n;
            while ((n = RandomAccess.Read(source, buffer, offset)) > 0)
            {
                RandomAccess.Write(writable, buffer.AsSpan(0, n), offset);
                offset += n;
            }
            bytes = offset;
            if (bytes == 0) throw new IOException($"{path} is empty");
        }
        if (Libc.fcntl(fd, Libc.FAddSeals, RuncSeals) != 0) throw new IOException("F_ADD_SEALS: " + Libc.LastError());
        var readOnly = File.OpenHandle($"/proc/self/fd/{fd}", FileMode.Open, FileAccess.Read);
        var seals = Libc.fcntl((int)readOnly.DangerousGetHandle(), Libc.FGetSeals, 0);
        if (seals != RuncSeals)
        {
            readOnly.Dispose();
            throw new IOException($"the copy's seals are 0x{seals:x}, runc accepts only 0x{RuncSeals:x}");
        }
        return readOnly;
    }

    private static string VersionLine(string exec)
    {
        var psi = new ProcessStartInfo(exec, "--version")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var p = Process.Start(psi) ?? throw new IOException("cannot start " + exec);
        var stderr = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        _ = stderr.Result;
        if (p.ExitCode != 0) throw new IOException($"the copy's --version exited {p.ExitCode}");
        return output.Split('\n')[0].Trim();
    }
}
