namespace Lamina.Fuzz.Tests;

/// <summary>The seed corpora (fuzz/corpus/TARGET, copied next to the tests) and the findings kept as regressions
/// (FuzzRegressions/TARGET/NAME with NAME.expected: the start of the outcome the harness must return).</summary>
internal static class FuzzInputs
{
    public static string Corpus(string target) => Path.Combine(AppContext.BaseDirectory, "corpus", target);

    public static string Regressions => Path.Combine(AppContext.BaseDirectory, "FuzzRegressions");

    public static IEnumerable<string> Files(string directory) =>
        Directory.Exists(directory) ? Directory.GetFiles(directory).Order(StringComparer.Ordinal) : [];

    public static TheoryData<string> Targets()
    {
        var data = new TheoryData<string>();
        foreach (var t in FuzzTargets.All) data.Add(t.Name);
        return data;
    }
}
