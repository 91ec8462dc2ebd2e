using System.Text;
using Lamina.Oci;

namespace Lamina.Fuzz.Targets;

/// <summary>
/// Proves the pipeline rather than a parser: the input <c>crash</c> throws, <c>hang</c> never returns, anything
/// else is accepted. Its seeds are one bit away from both (<c>crasi</c>, <c>hanf</c>) and run.sh turns on afl's
/// deterministic bit flips for it, so a campaign of a minute that reports no crash or no hang means SharpFuzz and
/// afl-fuzz are not talking, and every other campaign's "0 crashes" would mean nothing (fuzz/run.sh selftest 60).
/// </summary>
internal sealed class SelfTestTarget : IFuzzTarget
{
    public string Name => "selftest";

    public string Run(byte[] input)
    {
        // Through an instrumented assembly: afl-fuzz refuses a target that shows no coverage at all.
        _ = Digest.TryParse(Encoding.ASCII.GetString(input), out _);
        if (input.AsSpan().SequenceEqual("crash"u8))
        {
            throw new InvalidOperationException("selftest crash");
        }
        if (input.AsSpan().SequenceEqual("hang"u8))
        {
            Thread.Sleep(Timeout.Infinite);
        }
        return $"accepted {input.Length} byte(s)";
    }
}
