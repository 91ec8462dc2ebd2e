using System.Runtime.InteropServices;

namespace Lamina.Agent;

/// <summary>Protects lamina-init from the function code that shares its uid inside the sandbox.</summary>
internal static partial class Hardening
{
    private const int PrSetDumpable = 4;

    /// <summary>
    /// Clears the dumpable flag: the runtime runs as the same uid as the agent, and without this it could open
    /// /proc/1/mem read-write (no ptrace(2) call, so seccomp does not see it) and rewrite the agent in memory.
    /// A non-dumpable process's /proc files belong to root; exec resets the flag, so the runtime is unaffected.
    /// </summary>
    /// <returns>0, or the errno when the kernel refused.</returns>
    public static int MakeUndumpable() => Prctl(PrSetDumpable, 0, 0, 0, 0) == 0 ? 0 : Marshal.GetLastPInvokeError();

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    private static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);
}
