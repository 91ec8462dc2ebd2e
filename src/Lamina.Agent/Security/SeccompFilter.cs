using System.Runtime.InteropServices;

namespace Lamina.Agent.Security;

/// <summary>
/// Installs the sandbox's seccomp filter, precompiled to classic BPF by the host, as lamina-init's first act
/// (<c>lamina-init --seccomp PATH …</c>); the runtime spec then has no seccomp section. docs/sandbox.md, "Seccomp".
/// </summary>
/// <remarks>
/// Every thread: NativeAOT starts threads (the GC's, the finalizer) before Main, and a filter set on one thread
/// only covers that thread and the ones it creates later; SECCOMP_FILTER_FLAG_TSYNC sets it on every thread of the
/// process at once, or on none. Every process lamina-init starts (extensions, the runtime) inherits it.
/// </remarks>
internal static unsafe partial class SeccompFilter
{
    /// <summary>The switch, only ever the first argument.</summary>
    public const string Switch = "--seccomp";

    private const int PrSetNoNewPrivs = 38;
    private const long SysSeccomp = 317; // x86-64
    private const long SeccompSetModeFilter = 1;
    private const long SeccompFilterFlagTsync = 1;
    private const int InstructionSize = 8;
    private const int MaxInstructions = 4096;

    [StructLayout(LayoutKind.Sequential)]
    private struct SockFprog
    {
        public ushort Length;
        public byte* Filter;
    }

    /// <summary>Reads and installs the program at <paramref name="path"/>.</summary>
    /// <returns>null when installed; otherwise why not (the caller must then exit without doing anything else).</returns>
    public static string? Install(string path)
    {
        byte[] program;
        try
        {
            program = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return $"cannot read the seccomp filter {path}: {e.Message}";
        }
        if (program.Length == 0 || program.Length % InstructionSize != 0 || program.Length / InstructionSize > MaxInstructions)
            return $"the seccomp filter {path} is not a BPF program ({program.Length} bytes)";

        // runc already sets no_new_privs from the spec (process.noNewPrivileges); the kernel takes a filter from an
        // unprivileged process only with it, and setting it again is harmless.
        if (Prctl(PrSetNoNewPrivs, 1, 0, 0, 0) != 0)
            return $"prctl(PR_SET_NO_NEW_PRIVS) failed: errno {Marshal.GetLastPInvokeError()}";
        fixed (byte* instructions = program)
        {
            var fprog = new SockFprog { Length = (ushort)(program.Length / InstructionSize), Filter = instructions };
            long result = Syscall(SysSeccomp, SeccompSetModeFilter, SeccompFilterFlagTsync, &fprog);
            if (result > 0) return $"seccomp: thread {result} could not take the filter (TSYNC)";
            if (result < 0) return $"seccomp(SECCOMP_SET_MODE_FILTER) failed: errno {Marshal.GetLastPInvokeError()}";
        }
        return null;
    }

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    private static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    // glibc's syscall(2) is an assembly stub that moves its arguments into the syscall registers; no varargs handling.
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long arg1, long arg2, void* arg3);
}
