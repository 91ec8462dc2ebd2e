using System.Text;
using CsCheck;

namespace Lamina.Hostile.Tests.Input;

/// <summary>
/// Shared generators and the time budget of the property tests: LAMINA_FUZZ_SECONDS per property (default 3,
/// what CI runs; set e.g. 120 by hand for a long run). A failure prints CsCheck's seed to replay it.
/// </summary>
internal static class Fuzz
{
    public static int Seconds => int.TryParse(Environment.GetEnvironmentVariable("LAMINA_FUZZ_SECONDS"), out var s) && s > 0 ? s : 3;

    /// <summary>Runs <paramref name="assert"/> on samples of <paramref name="gen"/> for <see cref="Seconds"/>, on one thread.</summary>
    public static void Run<T>(Gen<T> gen, Action<T> assert, Func<T, string>? print = null) =>
        gen.Sample(assert, iter: int.MaxValue, time: Seconds, threads: 1, print: print);

    /// <summary>Strings built from <paramref name="tokens"/> and random characters: nearer the grammar than noise.</summary>
    public static Gen<string> Tokens(params string[] tokens) =>
        Gen.Frequency(
            (4, Gen.OneOf<string>(tokens)),
            (1, Gen.Char.AlphaNumeric.Select(c => c.ToString())),
            (1, Gen.Char.Select(c => c.ToString())))
        .Array[0, 24].Select(parts => string.Concat(parts));

    /// <summary>
    /// <paramref name="seed"/> with up to 8 random edits (byte set, insert, delete, duplicate a slice, truncate):
    /// valid inputs bent in the places parsers trust.
    /// </summary>
    public static Gen<byte[]> Mutations(byte[] seed) =>
        Gen.Select(Gen.Int[0, 8], Gen.Int.Array[32], Gen.Byte.Array[32], (count, positions, bytes) =>
        {
            var b = new List<byte>(seed);
            for (var i = 0; i < count; i++)
            {
                var at = b.Count == 0 ? 0 : (int)((uint)positions[i] % (uint)b.Count);
                switch ((uint)positions[i + 8] % 5)
                {
                    case 0 when b.Count > 0: b[at] = bytes[i]; break;
                    case 1: b.Insert(at, bytes[i]); break;
                    case 2 when b.Count > 0: b.RemoveAt(at); break;
                    case 3 when b.Count > 0: b.InsertRange(at, b.GetRange(at, Math.Min(b.Count - at, 1 + (int)((uint)positions[i + 16] % 64)))); break;
                    case 4: b.RemoveRange(at, b.Count - at); break;
                }
            }
            return b.ToArray();
        });

    public static Gen<string> TextMutations(string seed) => Mutations(Encoding.UTF8.GetBytes(seed)).Select(b => Encoding.UTF8.GetString(b));
}
