namespace Lamina.Sandbox.Seccomp;

/// <summary>
/// Lays out a forward-only BPF program written with labels. A conditional jump reaches at most 255
/// instructions ahead; one whose target is further gets a <c>ja</c> trampoline right after it (ja takes a
/// 32-bit offset). Trampolines lengthen the program and can push other jumps out of range, so layout repeats
/// until no jump changes form (it only ever grows, so it ends).
/// </summary>
internal sealed class BpfAssembler
{
    /// <summary>A jump target meaning "the next instruction".</summary>
    public const int Next = -1;

    private readonly List<Item> _items = [];
    private readonly List<int> _labels = []; // label → item index it precedes

    private sealed class Item(ushort code, uint k, int trueLabel, int falseLabel)
    {
        public ushort Code { get; } = code;
        public uint K { get; } = k;
        public int True { get; } = trueLabel;
        public int False { get; } = falseLabel;
        public bool LongTrue { get; set; }
        public bool LongFalse { get; set; }
        public int Position { get; set; }

        public bool IsConditional => (Code & 0x07) == 0x05 && Code != BpfInstruction.JumpAlways;
        public int Length => 1 + (LongTrue ? 1 : 0) + (LongFalse ? 1 : 0);
    }

    /// <summary>A new, not yet placed label.</summary>
    public int NewLabel()
    {
        _labels.Add(-1);
        return _labels.Count - 1;
    }

    /// <summary>Places <paramref name="label"/> before the next instruction emitted.</summary>
    public void Mark(int label)
    {
        if (_labels[label] != -1) throw new InvalidOperationException("label placed twice");
        _labels[label] = _items.Count;
    }

    /// <summary>A non-jump instruction.</summary>
    public void Emit(ushort code, uint k) => _items.Add(new(code, k, Next, Next));

    /// <summary>A conditional jump to <paramref name="whenTrue"/> / <paramref name="whenFalse"/> (labels or <see cref="Next"/>).</summary>
    public void Jump(ushort code, uint k, int whenTrue, int whenFalse) => _items.Add(new(code, k, whenTrue, whenFalse));

    /// <summary>An unconditional jump to <paramref name="label"/>.</summary>
    public void JumpTo(int label) => _items.Add(new(BpfInstruction.JumpAlways, 0, label, Next));

    /// <summary>The program, every jump resolved.</summary>
    public BpfInstruction[] Assemble()
    {
        if (_labels.Any(l => l == -1)) throw new InvalidOperationException("a label was never placed");
        bool changed = true;
        int length = 0;
        while (changed)
        {
            changed = false;
            length = 0;
            foreach (var item in _items)
            {
                item.Position = length;
                length += item.Length;
            }
            foreach (var item in _items.Where(i => i.IsConditional))
            {
                // Offsets count from the instruction after the jcc; a trampoline sits between, so test the plain form.
                if (!item.LongTrue && Distance(item, item.True, length) > byte.MaxValue) { item.LongTrue = true; changed = true; }
                if (!item.LongFalse && Distance(item, item.False, length) > byte.MaxValue) { item.LongFalse = true; changed = true; }
            }
        }

        var program = new List<BpfInstruction>(length);
        foreach (var item in _items)
        {
            if (item.Code == BpfInstruction.JumpAlways)
            {
                program.Add(new(item.Code, 0, 0, (uint)Distance(item, item.True, length)));
            }
            else if (item.IsConditional)
            {
                // [jcc][ja true]?[ja false]?: the jcc points at its trampoline(s) or straight at the target.
                int after = item.Position + 1;
                int trampolines = (item.LongTrue ? 1 : 0) + (item.LongFalse ? 1 : 0);
                byte jt = item.LongTrue ? (byte)0 : Checked(Target(item.True, item, length) - after);
                byte jf = item.LongFalse ? (byte)(item.LongTrue ? 1 : 0) : Checked(Target(item.False, item, length) - after);
                program.Add(new(item.Code, jt, jf, item.K));
                if (item.LongTrue) program.Add(new(BpfInstruction.JumpAlways, 0, 0, (uint)(Target(item.True, item, length) - (after + 1))));
                if (item.LongFalse) program.Add(new(BpfInstruction.JumpAlways, 0, 0, (uint)(Target(item.False, item, length) - (after + trampolines))));
            }
            else
            {
                program.Add(new(item.Code, 0, 0, item.K));
            }
        }
        return [.. program];
    }

    private int Target(int label, Item from, int length)
    {
        if (label == Next) return from.Position + from.Length;
        int index = _labels[label];
        int target = index < _items.Count ? _items[index].Position : length;
        if (target <= from.Position) throw new InvalidOperationException("BPF jumps only forward");
        return target;
    }

    private int Distance(Item from, int label, int length) => Target(label, from, length) - (from.Position + 1);

    private static byte Checked(int offset) => offset is >= 0 and <= byte.MaxValue
        ? (byte)offset : throw new InvalidOperationException($"jump offset {offset} out of range");
}
