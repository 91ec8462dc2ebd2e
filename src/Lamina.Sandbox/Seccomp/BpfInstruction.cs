using System.Buffers.Binary;

namespace Lamina.Sandbox.Seccomp;

/// <summary>One classic BPF instruction, laid out as the kernel's <c>struct sock_filter</c> (8 bytes, host order).</summary>
/// <param name="Code">Opcode (class | size/op | mode/source).</param>
/// <param name="Jt">Conditional jump: instructions skipped when true.</param>
/// <param name="Jf">Conditional jump: instructions skipped when false.</param>
/// <param name="K">The constant operand.</param>
public readonly record struct BpfInstruction(ushort Code, byte Jt, byte Jf, uint K)
{
    /// <summary>BPF_LD | BPF_W | BPF_ABS: A = 32-bit word at offset K of seccomp_data.</summary>
    public const ushort LoadWord = 0x20;

    /// <summary>BPF_ALU | BPF_AND | BPF_K: A &amp;= K.</summary>
    public const ushort AndK = 0x54;

    /// <summary>BPF_JMP | BPF_JA: skip K instructions.</summary>
    public const ushort JumpAlways = 0x05;

    /// <summary>BPF_JMP | BPF_JEQ | BPF_K.</summary>
    public const ushort JumpEqual = 0x15;

    /// <summary>BPF_JMP | BPF_JGT | BPF_K (unsigned).</summary>
    public const ushort JumpGreater = 0x25;

    /// <summary>BPF_JMP | BPF_JGE | BPF_K (unsigned).</summary>
    public const ushort JumpGreaterOrEqual = 0x35;

    /// <summary>BPF_JMP | BPF_JSET | BPF_K: A &amp; K != 0.</summary>
    public const ushort JumpSet = 0x45;

    /// <summary>BPF_RET | BPF_K: the filter's verdict is K.</summary>
    public const ushort Return = 0x06;

    /// <summary>Size of one instruction in a program file.</summary>
    public const int Size = 8;

    /// <summary>The program as the kernel (and libseccomp's export) lays it out: sock_filter after sock_filter.</summary>
    public static byte[] ToBytes(IReadOnlyList<BpfInstruction> program)
    {
        var bytes = new byte[program.Count * Size];
        for (int i = 0; i < program.Count; i++)
        {
            var span = bytes.AsSpan(i * Size, Size);
            BinaryPrimitives.WriteUInt16LittleEndian(span, program[i].Code);
            span[2] = program[i].Jt;
            span[3] = program[i].Jf;
            BinaryPrimitives.WriteUInt32LittleEndian(span[4..], program[i].K);
        }
        return bytes;
    }

    /// <summary>Parses a program file; the length must be a whole number of instructions.</summary>
    public static BpfInstruction[] FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % Size != 0) throw new FormatException($"{bytes.Length} bytes is not a whole number of BPF instructions");
        var program = new BpfInstruction[bytes.Length / Size];
        for (int i = 0; i < program.Length; i++)
        {
            var span = bytes.Slice(i * Size, Size);
            program[i] = new(BinaryPrimitives.ReadUInt16LittleEndian(span), span[2], span[3],
                BinaryPrimitives.ReadUInt32LittleEndian(span[4..]));
        }
        return program;
    }
}
