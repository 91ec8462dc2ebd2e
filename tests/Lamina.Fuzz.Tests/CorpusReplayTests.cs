namespace Lamina.Fuzz.Tests;

/// <summary>
/// The whole seed corpus of every target through the harness (fast: a few files each). A seed that throws
/// is a regression in the parser or a harness that no longer matches it; a corpus whose every seed is refused
/// would leave afl-fuzz starting from the error paths only.
/// </summary>
public sealed class CorpusReplayTests
{
    public static TheoryData<string> Targets => FuzzInputs.Targets();

    [Theory]
    [MemberData(nameof(Targets))]
    public void Every_seed_runs_without_a_finding_and_at_least_one_is_accepted(string name)
    {
        var target = FuzzTargets.Find(name)!;
        var seeds = FuzzInputs.Files(FuzzInputs.Corpus(name)).ToList();
        Assert.True(seeds.Count >= 2, $"fuzz/corpus/{name} has {seeds.Count} seed(s)");
        var outcomes = seeds.Select(s => (Path.GetFileName(s), target.Run(File.ReadAllBytes(s)))).ToList();
        Assert.All(outcomes, o => Assert.Matches("^(accepted|refused)", o.Item2));
        Assert.Contains(outcomes, o => o.Item2.StartsWith("accepted", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_target_has_a_seed_corpus_and_unknown_names_are_not_found()
    {
        Assert.All(FuzzTargets.All, t => Assert.True(Directory.Exists(FuzzInputs.Corpus(t.Name)), t.Name));
        Assert.Null(FuzzTargets.Find("no-such-target"));
        Assert.Equal(FuzzTargets.All.Count, FuzzTargets.All.Select(t => t.Name).Distinct().Count());
    }

    [Fact]
    public void What_escapes_a_target_reaches_the_caller()
    {
        // afl-fuzz only sees a crash when the exception leaves Run: the selftest target's "crash" must do so.
        var selftest = FuzzTargets.Find("selftest")!;
        Assert.Equal("accepted 5 byte(s)", selftest.Run("crasi"u8.ToArray()));
        Assert.Throws<InvalidOperationException>(() => selftest.Run("crash"u8.ToArray()));
    }
}
