namespace Lamina.Fuzz;

/// <summary>
/// One parser under fuzzing. <see cref="Run"/> feeds it one input and catches only the parser's documented
/// expected failure; everything else escapes (afl-fuzz records it as a crash), and a broken invariant
/// (something parsed that must not have, a write outside the target directory) throws <see cref="FuzzFinding"/>.
/// </summary>
internal interface IFuzzTarget
{
    /// <summary>The name on the command line and the corpus folder name (fuzz/corpus/NAME).</summary>
    string Name { get; }

    /// <summary>Runs one input; returns a short outcome (<c>accepted …</c> or <c>refused: message</c>) for replays and tests.</summary>
    /// <exception cref="FuzzFinding">An invariant of the parser broke.</exception>
    string Run(byte[] input);
}
