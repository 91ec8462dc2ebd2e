using Lamina.Build.Dockerfile;

namespace Lamina.Build.Stages;

/// <summary>One FROM and the instructions up to the next FROM.</summary>
internal sealed record StagePlan(int Index, string? Name, Instruction From, string Base, IReadOnlyList<Instruction> Body);

/// <summary>
/// The stages of a Dockerfile, the global ARGs (declared before the first FROM, visible to FROM lines and to
/// stages that re-declare them), the target stage and, in order, the stages it needs: its FROM chain and every
/// COPY --from source. Unneeded stages are not built (as BuildKit does).
/// </summary>
internal sealed class BuildPlan
{
    public List<StagePlan> Stages { get; } = [];

    public Dictionary<string, string?> GlobalArgs { get; } = new(StringComparer.Ordinal);

    public List<string> Warnings { get; } = [];

    public StagePlan Target { get; private set; } = null!;

    public List<StagePlan> Needed { get; } = [];

    /// <summary>Number of instructions in the needed stages (FROM included): the progress total.</summary>
    public int TotalSteps => Needed.Sum(s => s.Body.Count + 1);

    /// <summary>The stage named or numbered <paramref name="reference"/> before stage <paramref name="before"/>, or null.</summary>
    public StagePlan? Find(string reference, int before = int.MaxValue) =>
        int.TryParse(reference, out var n) && n >= 0 && n < Math.Min(before, Stages.Count) ? Stages[n]
            : Stages.Take(Math.Min(before, Stages.Count)).LastOrDefault(s => string.Equals(s.Name, reference, StringComparison.OrdinalIgnoreCase));

    public static BuildPlan Create(ParsedDockerfile parsed, BuildRequest request)
    {
        var plan = new BuildPlan();
        var words = new ShellWords(k => plan.GlobalArgs.GetValueOrDefault(k), parsed.EscapeCharacter);
        var i = 0;
        var instructions = parsed.Instructions;
        for (; i < instructions.Count && instructions[i].Keyword != "FROM"; i++)
        {
            var ins = instructions[i];
            if (ins.Keyword != "ARG") throw BuildException.At(ins, "only ARG may come before the first FROM");
            foreach (var (name, value) in ArgParser.Parse(ins, words))
                plan.GlobalArgs[name] = request.BuildArgs.TryGetValue(name, out var given) ? given : value;
        }
        if (i == instructions.Count)
        {
            var file = Path.GetFileName(request.DockerfilePath);
            throw new BuildException($"{file}: no FROM instruction: a Dockerfile must start a stage with FROM");
        }
        while (i < instructions.Count)
        {
            var from = instructions[i++];
            var body = new List<Instruction>();
            for (; i < instructions.Count && instructions[i].Keyword != "FROM"; i++) body.Add(instructions[i]);
            var fromWords = Expand(words, from);
            string? name = null;
            if (fromWords.Count == 3 && fromWords[1].Equals("AS", StringComparison.OrdinalIgnoreCase)) name = fromWords[2].ToLowerInvariant();
            else if (fromWords.Count != 1) throw BuildException.At(from, "expected FROM IMAGE [AS NAME]");
            if (name is not null && (name.Length == 0 || !char.IsAsciiLetter(name[0]) || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))))
                throw BuildException.At(from, $"invalid stage name '{name}'");
            if (name is not null && plan.Stages.Any(s => s.Name == name)) throw BuildException.At(from, $"duplicate stage name '{name}'");
            if (from.Flag("platform") is { } platform && platform != "linux/amd64" && !platform.Contains('$'))
                throw BuildException.At(from, $"--platform={platform}: lamina build produces linux/amd64 images only");
            plan.Stages.Add(new StagePlan(plan.Stages.Count, name, from, fromWords[0], body));
        }

        plan.Target = request.Target is { } t
            ? plan.Find(t) ?? throw new BuildException($"target stage '{t}' not found; stages: {string.Join(", ", plan.Stages.Select(s => s.Name ?? s.Index.ToString()))}")
            : plan.Stages[^1];
        plan.Resolve(plan.Target, []);
        plan.Needed.Sort((a, b) => a.Index.CompareTo(b.Index));
        return plan;
    }

    private void Resolve(StagePlan stage, HashSet<int> visiting)
    {
        if (Needed.Contains(stage) || !visiting.Add(stage.Index)) return;
        if (Find(stage.Base, stage.Index) is { } parent) Resolve(parent, visiting);
        foreach (var copy in stage.Body.Where(b => b.Keyword == "COPY" && b.Flag("from") is not null))
        {
            var from = copy.Flag("from")!;
            if (Find(from, stage.Index) is { } source) Resolve(source, visiting);
            else if (Find(from) is not null) throw BuildException.At(copy, $"--from={from} names a later stage (or this one)");
        }
        Needed.Add(stage);
    }

    private static IReadOnlyList<string> Expand(ShellWords words, Instruction ins)
    {
        try { return words.Words(ins.Arguments); }
        catch (FormatException e) { throw BuildException.At(ins, e.Message); }
    }
}
