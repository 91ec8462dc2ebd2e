using Spectre.Console;

namespace Lamina.Cli.Deploy;

/// <summary>What <see cref="FunctionWaiter"/> shows while it polls: the state, and the image pull when there is one.</summary>
internal interface IWaitView
{
    void Show(string name, string state, string update, ImagePull? pull);
}

/// <summary>A terminal: one Spectre progress bar on stderr, bytes of the image pulled (a spinner-like status until the pull reports totals).</summary>
internal sealed class BarWaitView(ProgressContext context) : IWaitView
{
    private ProgressTask? _task;

    public void Show(string name, string state, string update, ImagePull? pull)
    {
        var text = Markup.Escape(pull is { Phase: not "done" } ? pull.Describe() : $"waiting for {name}: {state}, update {update}");
        // Spectre refuses a task with an empty name (ArgumentException): the first text names it.
        _task ??= context.AddTask(text, maxValue: 1);
        _task.Description = text;
        _task.IsIndeterminate = pull is not { BytesTotal: > 0 };
        if (pull is { BytesTotal: > 0 })
        {
            _task.MaxValue = pull.BytesTotal;
            _task.Value = Math.Min(pull.BytesDone, pull.BytesTotal);
        }
    }
}

/// <summary>Not a terminal (a script, a test): one stderr line each time the pull's description changes.</summary>
internal sealed class LineWaitView : IWaitView
{
    private string? _last;

    public void Show(string name, string state, string update, ImagePull? pull)
    {
        if (pull is null || pull.Phase == "done") return;
        var text = pull.Describe();
        if (text == _last) return;
        _last = text;
        Console.Error.WriteLine(text);
    }
}
