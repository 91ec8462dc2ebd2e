using Lamina.Sandbox.Seccomp;

namespace Lamina.Sandbox.Tests.Seccomp;

/// <summary>
/// Runs a seccomp BPF program on one <c>struct seccomp_data</c>, as the kernel would, and counts the instructions
/// it executed. Refuses any instruction it does not know (so an unexpected opcode fails the test, never guesses).
/// </summary>
internal static class BpfInterpreter
{
    /// <summary>The verdict and how many instructions ran.</summary>
    public static (uint Verdict, int Executed) Run(BpfInstruction[] program, uint nr, uint arch, ReadOnlySpan<ulong> args)
    {
        Span<byte> data = stackalloc byte[64];
        BitConverter.TryWriteBytes(data[0..], nr);
        BitConverter.TryWriteBytes(data[4..], arch);
        BitConverter.TryWriteBytes(data[8..], 0x7f0000001000UL); // instruction pointer: no rule looks at it
        for (int i = 0; i < 6; i++) BitConverter.TryWriteBytes(data[(16 + 8 * i)..], i < args.Length ? args[i] : 0UL);

        uint a = 0;
        int executed = 0;
        for (int pc = 0; ; pc++)
        {
            if (pc >= program.Length) throw new InvalidOperationException("ran off the end of the program");
            var insn = program[pc];
            executed++;
            switch (insn.Code)
            {
                case BpfInstruction.LoadWord:
                    if (insn.K % 4 != 0 || insn.K > 60) throw new InvalidOperationException($"load at {insn.K}");
                    a = BitConverter.ToUInt32(data[(int)insn.K..]);
                    break;
                case BpfInstruction.AndK:
                    a &= insn.K;
                    break;
                case BpfInstruction.JumpAlways:
                    pc += (int)insn.K;
                    break;
                case BpfInstruction.JumpEqual:
                    pc += a == insn.K ? insn.Jt : insn.Jf;
                    break;
                case BpfInstruction.JumpGreater:
                    pc += a > insn.K ? insn.Jt : insn.Jf;
                    break;
                case BpfInstruction.JumpGreaterOrEqual:
                    pc += a >= insn.K ? insn.Jt : insn.Jf;
                    break;
                case BpfInstruction.JumpSet:
                    pc += (a & insn.K) != 0 ? insn.Jt : insn.Jf;
                    break;
                case BpfInstruction.Return:
                    return (insn.K, executed);
                default:
                    throw new InvalidOperationException($"opcode 0x{insn.Code:x4} at {pc} is not interpreted");
            }
        }
    }
}
