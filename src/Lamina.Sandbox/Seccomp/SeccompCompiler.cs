using Lamina.Sandbox.Spec;

namespace Lamina.Sandbox.Seccomp;

/// <summary>
/// Compiles a <see cref="SeccompSpec"/> to the classic BPF program the kernel runs on every syscall, deciding
/// what runc's libseccomp program decides (tests/Lamina.Sandbox.Tests compares the two on every syscall number).
/// </summary>
/// <remarks>
/// <code>
///   ld  arch ; jeq AUDIT_ARCH_X86_64 ? → nr : bad arch
///   ld  nr   ; jge 0x40000000 (x32) and not -1 → bad arch   (libseccomp's default bad-arch action: kill the thread)
///   binary search over ranges of syscall numbers with one outcome: ~log2(ranges) jge, then a leaf:
///     ret ACTION                 — a range allowed, refused with an errno, or unlisted (the default)
///     argument checks; ret ...   — one syscall with conditional rules: each 64-bit argument is two 32-bit
///                                  loads; rules tried in order, the default when none matches
/// </code>
/// libseccomp (as runc 1.1 configures it) emits a linear chain, one comparison per listed syscall; the search here
/// costs ~10 instructions for any syscall. Only what Lamina's profile needs is supported (x86-64; ALLOW, ERRNO and
/// KILL actions; EQ, NE and MASKED_EQ on arguments): anything else throws, never compiles to something else.
/// </remarks>
public static class SeccompCompiler
{
    /// <summary>AUDIT_ARCH_X86_64: seccomp_data.arch of a 64-bit x86 syscall.</summary>
    public const uint AuditArchAmd64 = 0xC000003E;

    /// <summary>__X32_SYSCALL_BIT: set in nr for x32 syscalls, which share the x86-64 arch value.</summary>
    public const uint X32SyscallBit = 0x40000000;

    /// <summary>SECCOMP_RET_ALLOW.</summary>
    public const uint RetAllow = 0x7FFF0000;

    /// <summary>SECCOMP_RET_KILL_THREAD: libseccomp's default action for a foreign architecture.</summary>
    public const uint RetKillThread = 0x00000000;

    /// <summary>SECCOMP_RET_KILL_PROCESS.</summary>
    public const uint RetKillProcess = 0x80000000;

    /// <summary>BPF_MAXINSNS: the kernel refuses longer programs.</summary>
    public const int MaxInstructions = 4096;

    private const uint Eperm = 1;

    /// <summary>SECCOMP_RET_ERRNO with <paramref name="errno"/>.</summary>
    public static uint RetErrno(uint errno) => 0x00050000 | (errno & 0xFFFF);

    /// <summary>Compiles <paramref name="spec"/>; throws <see cref="NotSupportedException"/> for anything not supported.</summary>
    public static BpfInstruction[] Compile(SeccompSpec spec)
    {
        if (spec.Architectures is not ["SCMP_ARCH_X86_64"])
            throw new NotSupportedException($"architectures [{string.Join(", ", spec.Architectures)}]: only [SCMP_ARCH_X86_64] is supported");
        uint fallback = Action(spec.DefaultAction, spec.DefaultErrnoRet);
        var plans = Plan(spec, fallback);

        var asm = new BpfAssembler();
        var badArch = asm.NewLabel();
        asm.Emit(BpfInstruction.LoadWord, 4);
        asm.Jump(BpfInstruction.JumpEqual, AuditArchAmd64, BpfAssembler.Next, badArch);
        asm.Emit(BpfInstruction.LoadWord, 0);
        var tree = asm.NewLabel();
        asm.Jump(BpfInstruction.JumpGreaterOrEqual, X32SyscallBit, BpfAssembler.Next, tree);
        // nr -1 (what a tracer sets to skip a syscall) is not x32: libseccomp lets it through to the search (the default).
        asm.Jump(BpfInstruction.JumpEqual, uint.MaxValue, tree, BpfAssembler.Next);
        asm.Mark(badArch);
        asm.Emit(BpfInstruction.Return, RetKillThread);
        asm.Mark(tree);
        var ranges = Ranges(plans, fallback);
        EmitSearch(asm, ranges, 0, ranges.Count - 1, plans, fallback);

        var program = asm.Assemble();
        if (program.Length > MaxInstructions)
            throw new NotSupportedException($"the filter needs {program.Length} instructions; the kernel takes at most {MaxInstructions}");
        return program;
    }

    /// <summary>What one syscall number does: one action, or conditional rules tried in order.</summary>
    private sealed class SyscallPlan
    {
        public uint? Action { get; set; }
        public List<(uint Action, IReadOnlyList<SyscallArgSpec> Args)> Rules { get; } = [];
    }

    /// <summary>A run of syscall numbers [Start, next range's Start) with one plain outcome, or one conditional syscall.</summary>
    private readonly record struct SyscallRange(uint Start, uint Action, int ConditionalNr);

    private static SortedDictionary<int, SyscallPlan> Plan(SeccompSpec spec, uint fallback)
    {
        var plans = new SortedDictionary<int, SyscallPlan>();
        foreach (var rule in spec.Syscalls)
        {
            uint action = Action(rule.Action, rule.ErrnoRet);
            var args = rule.Args ?? [];
            foreach (var arg in args)
            {
                if (arg.Index > 5) throw new NotSupportedException($"argument index {arg.Index}: syscalls have six");
                if (arg.Op is not ("SCMP_CMP_EQ" or "SCMP_CMP_NE" or "SCMP_CMP_MASKED_EQ"))
                    throw new NotSupportedException($"comparison {arg.Op} is not supported");
                // Whether a datum bit outside the mask makes the rule never match or is masked away is libseccomp's
                // detail; a profile that depends on it is refused rather than guessed.
                if (arg.Op == "SCMP_CMP_MASKED_EQ" && (arg.ValueTwo & ~arg.Value) != 0)
                    throw new NotSupportedException($"masked comparison with datum 0x{arg.ValueTwo:x} outside mask 0x{arg.Value:x}");
            }
            // runc splits a rule that compares one argument twice into separate rules (OR, not AND): not supported.
            if (args.Select(a => a.Index).Distinct().Count() != args.Count)
                throw new NotSupportedException($"rule for {string.Join(",", rule.Names)} compares one argument twice");
            // runc skips a rule whose action is the default (libseccomp refuses it): same outcome either way.
            if (action == fallback) continue;
            foreach (var name in rule.Names)
            {
                // Names with no x86-64 number (32-bit-only syscalls) are skipped, as libseccomp does.
                if (!X86_64Syscalls.Numbers.TryGetValue(name, out int nr)) continue;
                if (!plans.TryGetValue(nr, out var plan)) plans[nr] = plan = new SyscallPlan();
                if (args.Count == 0)
                {
                    if (plan.Action is { } other && other != action)
                        throw new NotSupportedException($"{name} has two unconditional actions");
                    plan.Action = action;
                }
                else
                {
                    plan.Rules.Add((action, args));
                }
                if (plan.Action is not null && plan.Rules.Count > 0)
                    throw new NotSupportedException($"{name} has both unconditional and conditional rules");
            }
        }
        return plans;
    }

    private static List<SyscallRange> Ranges(SortedDictionary<int, SyscallPlan> plans, uint fallback)
    {
        var ranges = new List<SyscallRange>();
        void Add(uint start, uint action, int conditional)
        {
            if (conditional < 0 && ranges.Count > 0 && ranges[^1] is { ConditionalNr: < 0 } last && last.Action == action) return;
            ranges.Add(new(start, action, conditional));
        }
        uint next = 0;
        foreach (var (nr, plan) in plans)
        {
            if ((uint)nr > next) Add(next, fallback, -1);
            Add((uint)nr, plan.Action ?? 0, plan.Action is null ? nr : -1);
            next = (uint)nr + 1;
        }
        Add(next, fallback, -1); // up to the x32 bit: numbers the kernel does not know, or the profile does not list
        return ranges;
    }

    // A holds nr. Ranges [lo..hi] are sorted; split at the middle with one jge until one range is left.
    private static void EmitSearch(BpfAssembler asm, List<SyscallRange> ranges, int lo, int hi,
        SortedDictionary<int, SyscallPlan> plans, uint fallback)
    {
        if (lo == hi)
        {
            if (ranges[lo].ConditionalNr < 0) asm.Emit(BpfInstruction.Return, ranges[lo].Action);
            else EmitRules(asm, plans[ranges[lo].ConditionalNr], fallback);
            return;
        }
        int mid = (lo + hi + 1) / 2;
        var upper = asm.NewLabel();
        asm.Jump(BpfInstruction.JumpGreaterOrEqual, ranges[mid].Start, upper, BpfAssembler.Next);
        EmitSearch(asm, ranges, lo, mid - 1, plans, fallback);
        asm.Mark(upper);
        EmitSearch(asm, ranges, mid, hi, plans, fallback);
    }

    private static void EmitRules(BpfAssembler asm, SyscallPlan plan, uint fallback)
    {
        foreach (var (action, args) in plan.Rules)
        {
            var fail = asm.NewLabel();
            foreach (var arg in args) EmitComparison(asm, arg, fail);
            asm.Emit(BpfInstruction.Return, action);
            asm.Mark(fail);
        }
        asm.Emit(BpfInstruction.Return, fallback);
    }

    // Falls through when the comparison holds, jumps to fail otherwise. seccomp_data.args[i] is at 16 + 8i,
    // low word first (little-endian).
    private static void EmitComparison(BpfAssembler asm, SyscallArgSpec arg, int fail)
    {
        uint lowOffset = 16 + 8 * arg.Index, highOffset = lowOffset + 4;
        switch (arg.Op)
        {
            case "SCMP_CMP_EQ":
                CompareWord(asm, lowOffset, uint.MaxValue, (uint)arg.Value, fail);
                CompareWord(asm, highOffset, uint.MaxValue, (uint)(arg.Value >> 32), fail);
                break;
            case "SCMP_CMP_MASKED_EQ": // OCI: value is the mask, valueTwo the datum (as runc passes them to libseccomp)
                CompareWord(asm, lowOffset, (uint)arg.Value, (uint)arg.ValueTwo, fail);
                CompareWord(asm, highOffset, (uint)(arg.Value >> 32), (uint)(arg.ValueTwo >> 32), fail);
                break;
            case "SCMP_CMP_NE":
                var holds = asm.NewLabel();
                asm.Emit(BpfInstruction.LoadWord, lowOffset);
                asm.Jump(BpfInstruction.JumpEqual, (uint)arg.Value, BpfAssembler.Next, holds);
                asm.Emit(BpfInstruction.LoadWord, highOffset);
                asm.Jump(BpfInstruction.JumpEqual, (uint)(arg.Value >> 32), fail, BpfAssembler.Next);
                asm.Mark(holds);
                break;
            default:
                throw new NotSupportedException($"comparison {arg.Op} is not supported");
        }
    }

    // (word & mask) == datum, in as few instructions as the constants allow.
    private static void CompareWord(BpfAssembler asm, uint offset, uint mask, uint datum, int fail)
    {
        if (mask == 0)
        {
            if (datum != 0) asm.JumpTo(fail);
            return;
        }
        asm.Emit(BpfInstruction.LoadWord, offset);
        if (mask != uint.MaxValue) asm.Emit(BpfInstruction.AndK, mask);
        asm.Jump(BpfInstruction.JumpEqual, datum, BpfAssembler.Next, fail);
    }

    private static uint Action(string action, uint? errno) => action switch
    {
        "SCMP_ACT_ALLOW" => RetAllow,
        "SCMP_ACT_ERRNO" => RetErrno(errno ?? Eperm),
        "SCMP_ACT_KILL" or "SCMP_ACT_KILL_THREAD" => RetKillThread,
        "SCMP_ACT_KILL_PROCESS" => RetKillProcess,
        _ => throw new NotSupportedException($"action {action} is not supported"),
    };
}
