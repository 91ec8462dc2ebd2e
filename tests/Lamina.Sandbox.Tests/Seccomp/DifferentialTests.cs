using Lamina.Sandbox.Seccomp;
using Lamina.Sandbox.Spec;
using Xunit.Abstractions;

namespace Lamina.Sandbox.Tests.Seccomp;

/// <summary>
/// Lamina's BPF compiler against libseccomp, the library runc compiles the same profile with: both programs run in
/// <see cref="BpfInterpreter"/> on every syscall number, the x32 range, foreign architectures and, for syscalls with
/// argument rules, values around every comparison. Any different verdict fails.
/// </summary>
public sealed class DifferentialTests(ITestOutputHelper output)
{
    private const uint AuditArchI386 = 0x40000003;
    private const uint AuditArchAarch64 = 0xC00000B7;

    private static readonly SeccompSpec Profile = SeccompProfile.Build();
    private static readonly Lazy<(BpfInstruction[] Ours, BpfInstruction[] Theirs)> Programs =
        new(() => (SeccompCompiler.Compile(Profile), LibSeccomp.Compile(Profile)));

    private static uint MaxNr => (uint)X86_64Syscalls.Numbers.Values.Max();

    [Fact]
    public void Every_syscall_number_gets_libseccomps_verdict()
    {
        var (ours, theirs) = Programs.Value;
        int allowed = 0;
        for (uint nr = 0; nr <= MaxNr + 64; nr++)
        {
            var verdict = AssertSame(ours, theirs, nr, SeccompCompiler.AuditArchAmd64, []);
            if (verdict == SeccompCompiler.RetAllow) allowed++;
        }
        // The comparison is only worth something if the profile allows and refuses plenty.
        Assert.InRange(allowed, 250, 400);
        Assert.Equal(SeccompCompiler.RetErrno(1), Verdict(ours, (uint)X86_64Syscalls.Numbers["mount"], SeccompCompiler.AuditArchAmd64));
        Assert.Equal(SeccompCompiler.RetErrno(38), Verdict(ours, (uint)X86_64Syscalls.Numbers["clone3"], SeccompCompiler.AuditArchAmd64));
        Assert.Equal(SeccompCompiler.RetAllow, Verdict(ours, (uint)X86_64Syscalls.Numbers["read"], SeccompCompiler.AuditArchAmd64));
    }

    [Fact]
    public void The_x32_range_and_foreign_architectures_get_libseccomps_verdict()
    {
        var (ours, theirs) = Programs.Value;
        foreach (var nr in Enumerable.Range(0, (int)MaxNr + 65).Select(n => (uint)n))
        {
            AssertSame(ours, theirs, nr | SeccompCompiler.X32SyscallBit, SeccompCompiler.AuditArchAmd64, []);
            foreach (var arch in new[] { AuditArchI386, AuditArchAarch64, 0u, 0xFFFFFFFFu, SeccompCompiler.AuditArchAmd64 & ~0x80000000u })
                AssertSame(ours, theirs, nr, arch, []);
        }
        foreach (var nr in new[] { 0x3FFFFFFFu, 0x7FFFFFFFu, 0x80000000u, 0xBFFFFFFFu, 0xFFFFFFFFu })
            AssertSame(ours, theirs, nr, SeccompCompiler.AuditArchAmd64, []);
        // A 32-bit process's syscalls are not x86-64 ones: refused however they are numbered.
        Assert.NotEqual(SeccompCompiler.RetAllow, Verdict(ours, 3, AuditArchI386));
        Assert.NotEqual(SeccompCompiler.RetAllow, Verdict(ours, 0 | SeccompCompiler.X32SyscallBit, SeccompCompiler.AuditArchAmd64));
    }

    [Fact]
    public void Argument_rules_get_libseccomps_verdict_around_every_comparison()
    {
        var (ours, theirs) = Programs.Value;
        int compared = CompareArguments(Profile, ours, theirs);
        output.WriteLine($"{compared} argument vectors compared");
        // clone: no namespace flag; personality: its five values; socket: AF_NETLINK + NETLINK_AUDIT refused.
        Assert.Equal(SeccompCompiler.RetAllow, Verdict(ours, 56, SeccompCompiler.AuditArchAmd64, 0x01200011));
        Assert.Equal(SeccompCompiler.RetErrno(38), Verdict(ours, 56, SeccompCompiler.AuditArchAmd64, 0x10000000 | 0x01200011));
        Assert.Equal(SeccompCompiler.RetErrno(22), Verdict(ours, 41, SeccompCompiler.AuditArchAmd64, 16, 3, 9));
        Assert.Equal(SeccompCompiler.RetAllow, Verdict(ours, 41, SeccompCompiler.AuditArchAmd64, 16, 3, 0));
        Assert.Equal(SeccompCompiler.RetErrno(38), Verdict(ours, 135, SeccompCompiler.AuditArchAmd64, 0xFFFFFFFFFFFFFFFF));
    }

    [Fact]
    public void A_profile_too_big_for_short_jumps_still_matches_libseccomp()
    {
        // Alternating outcomes over ~300 numbers: hundreds of ranges, so the search tree's jumps exceed 255
        // instructions and need trampolines; plus argument rules to put long leaves in the middle.
        var names = X86_64Syscalls.Numbers.OrderBy(p => p.Value).Select(p => p.Key).Where(n => n is not "clone" and not "socket").ToList();
        var rules = new List<SyscallRuleSpec>
        {
            new(names.Where((_, i) => i % 3 == 0).ToList(), "SCMP_ACT_ALLOW"),
            new(names.Where((_, i) => i % 3 == 1).ToList(), "SCMP_ACT_ERRNO", 13),
            new(["clone"], "SCMP_ACT_ALLOW", null, [new(0, 0xFF00FF00FF00FF00, 0x0000FF0000000000, "SCMP_CMP_MASKED_EQ"), new(3, 7, 0, "SCMP_CMP_NE")]),
            // Disjoint from the rule above (a0 & mask is 0 here): which of two overlapping rules wins is not specified.
            new(["clone"], "SCMP_ACT_KILL_PROCESS", null, [new(0, 1, 0, "SCMP_CMP_EQ"), new(1, 0x100000000, 0, "SCMP_CMP_EQ")]),
        };
        rules.AddRange(Enumerable.Range(0, 40).Select(i => new SyscallRuleSpec(["socket"], "SCMP_ACT_ERRNO", (uint)(i + 1), [new(0, (ulong)i, 0, "SCMP_CMP_EQ")])));
        var spec = new SeccompSpec("SCMP_ACT_ERRNO", 38, ["SCMP_ARCH_X86_64"], rules);
        var ours = SeccompCompiler.Compile(spec);
        var theirs = LibSeccomp.Compile(spec);
        Assert.Contains(ours, i => i.Code == BpfInstruction.JumpAlways && i.K > byte.MaxValue);
        for (uint nr = 0; nr <= MaxNr + 64; nr++) AssertSame(ours, theirs, nr, SeccompCompiler.AuditArchAmd64, []);
        CompareArguments(spec, ours, theirs);
    }

    [Fact]
    public void The_search_runs_fewer_instructions_than_libseccomps_chain()
    {
        var (ours, theirs) = Programs.Value;
        long oursTotal = 0, theirsTotal = 0;
        int syscalls = 0;
        foreach (var (name, nr) in X86_64Syscalls.Numbers.OrderBy(p => p.Value))
        {
            int o = BpfInterpreter.Run(ours, (uint)nr, SeccompCompiler.AuditArchAmd64, []).Executed;
            int t = BpfInterpreter.Run(theirs, (uint)nr, SeccompCompiler.AuditArchAmd64, []).Executed;
            oursTotal += o;
            theirsTotal += t;
            syscalls++;
        }
        foreach (var name in new[] { "read", "write", "futex", "epoll_wait", "epoll_pwait", "getppid", "mmap", "openat", "close", "recvfrom", "sendto", "clone" })
        {
            uint nr = (uint)X86_64Syscalls.Numbers[name];
            output.WriteLine($"{name,-12} lamina {BpfInterpreter.Run(ours, nr, SeccompCompiler.AuditArchAmd64, []).Executed,4}  libseccomp {BpfInterpreter.Run(theirs, nr, SeccompCompiler.AuditArchAmd64, []).Executed,4}");
        }
        output.WriteLine($"mean over {syscalls} syscalls: lamina {oursTotal / (double)syscalls:F1}, libseccomp {theirsTotal / (double)syscalls:F1}; " +
            $"program length lamina {ours.Length}, libseccomp {theirs.Length}");
        Assert.True(oursTotal < theirsTotal, $"lamina {oursTotal} vs libseccomp {theirsTotal} instructions over all syscalls");
        // Every syscall, not only on average, decides within a bounded search.
        Assert.All(X86_64Syscalls.Numbers.Values, nr => Assert.InRange(BpfInterpreter.Run(ours, (uint)nr, SeccompCompiler.AuditArchAmd64, []).Executed, 1, 40));
    }

    [Theory]
    [InlineData("arch")]
    [InlineData("op")]
    [InlineData("action")]
    [InlineData("argument-twice")]
    [InlineData("argument-index")]
    [InlineData("mixed")]
    [InlineData("datum-outside-mask")]
    public void Refuses_what_it_does_not_support(string what)
    {
        var spec = what switch
        {
            "arch" => Profile with { Architectures = ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"] },
            "op" => Profile with { Syscalls = [new(["clone"], "SCMP_ACT_ALLOW", null, [new(0, 5, 0, "SCMP_CMP_GT")])] },
            "action" => Profile with { Syscalls = [new(["read"], "SCMP_ACT_TRACE")] },
            "argument-twice" => Profile with { Syscalls = [new(["clone"], "SCMP_ACT_ALLOW", null, [new(0, 5, 0, "SCMP_CMP_NE"), new(0, 6, 0, "SCMP_CMP_NE")])] },
            "argument-index" => Profile with { Syscalls = [new(["clone"], "SCMP_ACT_ALLOW", null, [new(6, 5, 0, "SCMP_CMP_EQ")])] },
            "mixed" => Profile with { Syscalls = [new(["clone"], "SCMP_ACT_ALLOW"), new(["clone"], "SCMP_ACT_ERRNO", 1, [new(0, 5, 0, "SCMP_CMP_EQ")])] },
            _ => Profile with { Syscalls = [new(["clone"], "SCMP_ACT_ALLOW", null, [new(0, 0xF0, 0x01, "SCMP_CMP_MASKED_EQ")])] },
        };
        Assert.Throws<NotSupportedException>(() => SeccompCompiler.Compile(spec));
    }

    [Fact]
    public void The_syscall_table_is_libseccomps()
    {
        foreach (var (name, nr) in X86_64Syscalls.Numbers) Assert.Equal(nr, LibSeccomp.Resolve(name));
        Assert.False(X86_64Syscalls.Numbers.ContainsKey("_llseek"));
        Assert.True(LibSeccomp.Resolve("_llseek") < 0);
    }

    // Values around every comparison of every argument rule, as a cartesian product over the arguments compared.
    private static int CompareArguments(SeccompSpec spec, BpfInstruction[] ours, BpfInstruction[] theirs)
    {
        int compared = 0;
        foreach (var group in spec.Syscalls.Where(r => r.Args is { Count: > 0 }).SelectMany(r => r.Names.Select(n => (Name: n, Rule: r))).GroupBy(p => p.Name))
        {
            if (!X86_64Syscalls.Numbers.TryGetValue(group.Key, out int nr)) continue;
            var candidates = new SortedDictionary<uint, HashSet<ulong>>();
            foreach (var arg in group.SelectMany(p => p.Rule.Args!))
            {
                if (!candidates.TryGetValue(arg.Index, out var set)) candidates[arg.Index] = set = [0, ulong.MaxValue];
                foreach (var v in new[] { arg.Value, arg.ValueTwo })
                {
                    set.UnionWith([v, v + 1, v - 1, v ^ (1UL << 32), v ^ (1UL << 63), v | 0xFFFFFFFF00000000, v & 0xFFFFFFFF, v ^ arg.Value]);
                    for (int bit = 0; bit < 64; bit++) set.Add(v ^ (1UL << bit));
                }
            }
            // Each argument through all its values while the others take their rule values (and 0, all ones).
            var plain = candidates.ToDictionary(c => c.Key, c => group.SelectMany(p => p.Rule.Args!).Where(a => a.Index == c.Key)
                .SelectMany(a => new[] { a.Value, a.ValueTwo }).Append(0UL).Append(ulong.MaxValue).ToHashSet());
            var vectors = new List<ulong[]>();
            foreach (var varied in candidates.Keys)
            {
                var partial = new List<ulong[]> { new ulong[6] };
                foreach (var index in candidates.Keys)
                    partial = partial.SelectMany(v => (index == varied ? candidates[index] : plain[index]).Select(c =>
                    {
                        var copy = (ulong[])v.Clone();
                        copy[index] = c;
                        return copy;
                    })).ToList();
                vectors.AddRange(partial);
            }
            foreach (var args in vectors)
            {
                AssertSame(ours, theirs, (uint)nr, SeccompCompiler.AuditArchAmd64, args);
                compared++;
            }
        }
        Assert.True(compared > 0);
        return compared;
    }

    private static uint AssertSame(BpfInstruction[] ours, BpfInstruction[] theirs, uint nr, uint arch, ulong[] args)
    {
        var o = BpfInterpreter.Run(ours, nr, arch, args).Verdict;
        var t = BpfInterpreter.Run(theirs, nr, arch, args).Verdict;
        if (o != t)
            Assert.Fail($"nr 0x{nr:x} arch 0x{arch:x} args [{string.Join(", ", args.Select(a => "0x" + a.ToString("x")))}]: lamina 0x{o:x8}, libseccomp 0x{t:x8}");
        return o;
    }

    private static uint Verdict(BpfInstruction[] program, uint nr, uint arch, params ulong[] args) =>
        BpfInterpreter.Run(program, nr, arch, args).Verdict;
}
