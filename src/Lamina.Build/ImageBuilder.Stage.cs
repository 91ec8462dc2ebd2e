using System.Diagnostics;
using Lamina.Build.Dockerfile;
using Lamina.Build.Stages;

namespace Lamina.Build;

public sealed partial class ImageBuilder
{
    private async Task<StageState> BuildStageAsync(BuildRun run, StagePlan plan, CancellationToken cancellationToken)
    {
        var label = plan.Name ?? plan.Index.ToString();
        run.NextStep();
        run.Report(BuildEventKind.Step, label, $"FROM {plan.Base}{(plan.Name is null ? "" : " AS " + plan.Name)}");
        var clock = Stopwatch.StartNew();
        var state = await FromAsync(run, plan, cancellationToken);
        run.Report(BuildEventKind.Done, label, "", clock.Elapsed);

        foreach (var ins in plan.Body)
        {
            run.NextStep();
            clock.Restart();
            var words = new ShellWords(state.Lookup, run.Escape);
            switch (ins.Keyword)
            {
                case "COPY" or "ADD":
                    await CopyAsync(run, state, ins, words, label, cancellationToken);
                    break;
                case "RUN":
                    await RunAsync(run, state, ins, label, cancellationToken);
                    break;
                default:
                    run.Report(BuildEventKind.Step, label, ins.ToString());
                    ApplyConfig(run, state, ins, words, label);
                    break;
            }
            run.Report(BuildEventKind.Done, label, "", clock.Elapsed);
        }
        if (plan == run.Plan.Target)
        {
            foreach (var unused in run.Request.BuildArgs.Keys.Where(k => !run.UsedArgs.Contains(k) && !run.Plan.GlobalArgs.ContainsKey(k)))
                run.Report(BuildEventKind.Warning, label, $"build argument {unused} was not consumed by any ARG");
        }
        return state;
    }

    /// <summary>A layer step: advance the chain, reuse a cached layer or build one, record it and its history.</summary>
    private async Task AddLayerAsync(BuildRun run, StageState state, string label, string text, string? inputs, Func<Task<Stages.LayerRef>> build)
    {
        state.Extend(text, inputs);
        var layer = _options.NoCache ? null : _cache.Find(state.Chain);
        if (layer is not null) run.Report(BuildEventKind.Cached, label, text);
        else
        {
            layer = await build();
            _cache.Store(state.Chain, layer);
        }
        state.Layers.Add(layer);
        if (layer.Created > state.Created) state.Created = layer.Created;
        state.History.Add(new HistoryEntry(layer.Created, text, EmptyLayer: false));
    }

    /// <summary>The time a new layer is stamped with: SOURCE_DATE_EPOCH, else now (whole seconds).</summary>
    private DateTimeOffset Now() =>
        _options.SourceDateEpoch ?? DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    private static string Expand(ShellWords words, Instruction ins, string text)
    {
        try { return words.Word(text); }
        catch (FormatException e) { throw BuildException.At(ins, e.Message); }
    }

    private static IReadOnlyList<string> ExpandWords(ShellWords words, Instruction ins, string text)
    {
        try { return words.Words(text); }
        catch (FormatException e) { throw BuildException.At(ins, e.Message); }
    }
}
