namespace Lamina.Build.Dockerfile;

/// <summary>One logical Dockerfile instruction, continuation lines joined and comments removed.</summary>
/// <param name="File">The Dockerfile's name as the user gave it (for messages).</param>
/// <param name="Line">1-based line where the instruction starts.</param>
/// <param name="Keyword">Upper-case instruction name (FROM, RUN …).</param>
/// <param name="Flags">Leading <c>--name=value</c> flags (COPY --from, --chown …), in order.</param>
/// <param name="Arguments">The text after the keyword and flags, unexpanded.</param>
/// <param name="Json">The exec-form arguments when <paramref name="Arguments"/> is a JSON array of strings, else null.</param>
public sealed record Instruction(
    string File,
    int Line,
    string Keyword,
    IReadOnlyList<KeyValuePair<string, string>> Flags,
    string Arguments,
    IReadOnlyList<string>? Json)
{
    /// <summary>The value of flag <paramref name="name"/> (without dashes), or null.</summary>
    public string? Flag(string name) => Flags.LastOrDefault(f => f.Key == name).Value;

    /// <summary>The instruction as written, for history entries and progress lines.</summary>
    public override string ToString() =>
        string.Join(' ', new[] { Keyword }.Concat(Flags.Select(f => $"--{f.Key}={f.Value}")).Append(Arguments));
}
