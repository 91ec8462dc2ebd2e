using System.Runtime.InteropServices;
using Lamina.Sandbox.Seccomp;
using Lamina.Sandbox.Spec;

namespace Lamina.Sandbox.Tests.Seccomp;

/// <summary>
/// The real libseccomp (the library runc 1.1 links), driven the way runc's InitSeccomp drives it, to compile a
/// <see cref="SeccompSpec"/> into the program runc would install.
/// </summary>
internal static partial class LibSeccomp
{
    private const string Library = "/usr/lib/x86_64-linux-gnu/libseccomp.so.2";
    private const int NrScmpError = -1;

    [StructLayout(LayoutKind.Sequential)]
    private struct ScmpArgCmp
    {
        public uint Arg;
        public int Op;
        public ulong DatumA;
        public ulong DatumB;
    }

    /// <summary>The spec compiled as runc does it: rules in order, redundant (default-action) rules skipped, names
    /// libseccomp cannot resolve skipped, a rule comparing one argument twice split into one rule per comparison.</summary>
    public static BpfInstruction[] Compile(SeccompSpec spec)
    {
        uint defaultAction = Action(spec.DefaultAction, spec.DefaultErrnoRet);
        var ctx = seccomp_init(defaultAction);
        if (ctx == 0) throw new InvalidOperationException("seccomp_init failed");
        try
        {
            foreach (var arch in spec.Architectures)
            {
                // x86-64 is the native architecture, already in a new filter (runc ignores EEXIST the same way).
                if (arch != "SCMP_ARCH_X86_64") throw new NotSupportedException(arch);
            }
            foreach (var rule in spec.Syscalls)
            {
                uint action = Action(rule.Action, rule.ErrnoRet);
                if (action == defaultAction) continue;
                foreach (var name in rule.Names)
                {
                    int nr = seccomp_syscall_resolve_name(name);
                    if (nr == NrScmpError) continue;
                    var args = (rule.Args ?? []).Select(Condition).ToArray();
                    var groups = args.Select(a => a.Arg).Distinct().Count() == args.Length ? [args] : args.Select(a => new[] { a }).ToArray();
                    foreach (var group in groups)
                    {
                        int rc = seccomp_rule_add_array(ctx, action, nr, (uint)group.Length, group);
                        if (rc != 0) throw new InvalidOperationException($"seccomp_rule_add_array({name}) = {rc}");
                    }
                }
            }
            var file = Path.GetTempFileName();
            try
            {
                using (var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite))
                {
                    int rc = seccomp_export_bpf(ctx, (int)stream.SafeFileHandle.DangerousGetHandle());
                    if (rc != 0) throw new InvalidOperationException($"seccomp_export_bpf = {rc}");
                }
                return BpfInstruction.FromBytes(File.ReadAllBytes(file));
            }
            finally
            {
                File.Delete(file);
            }
        }
        finally
        {
            seccomp_release(ctx);
        }
    }

    /// <summary>libseccomp's number for <paramref name="name"/> on x86-64 (negative: none).</summary>
    public static int Resolve(string name) => seccomp_syscall_resolve_name(name);

    private static ScmpArgCmp Condition(SyscallArgSpec arg) => new()
    {
        Arg = arg.Index,
        Op = arg.Op switch
        {
            "SCMP_CMP_NE" => 1, "SCMP_CMP_LT" => 2, "SCMP_CMP_LE" => 3, "SCMP_CMP_EQ" => 4,
            "SCMP_CMP_GE" => 5, "SCMP_CMP_GT" => 6, "SCMP_CMP_MASKED_EQ" => 7,
            _ => throw new NotSupportedException(arg.Op),
        },
        DatumA = arg.Value,
        DatumB = arg.Op == "SCMP_CMP_MASKED_EQ" ? arg.ValueTwo : 0,
    };

    private static uint Action(string action, uint? errno) => action switch
    {
        "SCMP_ACT_ALLOW" => 0x7FFF0000,
        "SCMP_ACT_ERRNO" => 0x00050000 | ((errno ?? 1) & 0xFFFF),
        "SCMP_ACT_KILL" or "SCMP_ACT_KILL_THREAD" => 0,
        "SCMP_ACT_KILL_PROCESS" => 0x80000000,
        _ => throw new NotSupportedException(action),
    };

    [LibraryImport(Library)]
    private static partial nint seccomp_init(uint defaultAction);

    [LibraryImport(Library)]
    private static partial void seccomp_release(nint ctx);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int seccomp_syscall_resolve_name(string name);

    [LibraryImport(Library)]
    private static partial int seccomp_rule_add_array(nint ctx, uint action, int syscall, uint count, ScmpArgCmp[] args);

    [LibraryImport(Library)]
    private static partial int seccomp_export_bpf(nint ctx, int fd);
}
