namespace Lamina.Build.Stages;

/// <summary>The state of one BuildAsync call: the plan, the stages built so far, the step counter and progress.</summary>
internal sealed class BuildRun(BuildRequest request, BuildPlan plan, char escape, IProgress<BuildEvent>? progress)
{
    public BuildRequest Request { get; } = request;

    public BuildPlan Plan { get; } = plan;

    public char Escape { get; } = escape;

    /// <summary>Built stages by index (null: not built).</summary>
    public StageState?[] Stages { get; } = new StageState?[plan.Stages.Count];

    /// <summary>Build arguments some ARG consumed (the rest are reported unused).</summary>
    public HashSet<string> UsedArgs { get; } = new(StringComparer.Ordinal);

    public int Step { get; private set; }

    public void NextStep() => Step++;

    public void Report(BuildEventKind kind, string stage, string text, TimeSpan elapsed = default) =>
        progress?.Report(new BuildEvent(kind, Step, Plan.TotalSteps, stage, text, elapsed));
}
