namespace Lamina.Fuzz.Tests;

/// <summary>
/// Every crash or hang afl-fuzz found, kept under FuzzRegressions/TARGET/ and fed to the same harness entry:
/// it must now end in the clear expected outcome named by its .expected file (a refusal with its message,
/// or an acceptance), never an exception.
/// </summary>
public sealed class FuzzRegressionTests
{
    public static TheoryData<string> Targets => FuzzInputs.Targets();

    [Theory]
    [MemberData(nameof(Targets))]
    public void Every_finding_now_ends_in_its_expected_outcome(string name)
    {
        var target = FuzzTargets.Find(name)!;
        var wrong = new List<string>();
        foreach (var file in FuzzInputs.Files(Path.Combine(FuzzInputs.Regressions, name)).Where(f => !f.EndsWith(".expected", StringComparison.Ordinal)))
        {
            Assert.True(File.Exists(file + ".expected"), $"{file} has no .expected outcome");
            var expected = File.ReadAllText(file + ".expected").Trim();
            var outcome = target.Run(File.ReadAllBytes(file));
            if (!outcome.StartsWith(expected, StringComparison.Ordinal)) wrong.Add($"{Path.GetFileName(file)}: '{outcome}', expected '{expected}…'");
        }
        Assert.Empty(wrong);
    }
}
