namespace Lamina.Environments;

/// <summary>The host's side of the function timeout.</summary>
public sealed partial class ExecutionEnvironment
{
    /// <summary>
    /// When the host stops waiting for the agent: the function's timeout plus <see cref="EnvironmentOptions.DeadlineGrace"/>,
    /// plus <see cref="EnvironmentOptions.ReinitAllowance"/> when the agent starts a fresh runtime first.
    /// </summary>
    private TimeSpan HostDeadline() =>
        TimeSpan.FromSeconds(Function.TimeoutSeconds) + _options.DeadlineGrace + (_mayReinitialise ? _options.ReinitAllowance : TimeSpan.Zero);

    /// <summary>
    /// The agent did not answer by the deadline: it shares the sandbox with the function, so a fork bomb or a spin
    /// can keep it from enforcing the timeout. The host kills every process of the sandbox through its cgroups
    /// (nothing inside is asked), writes the log lines the agent would have written (the timeout line, END, REPORT
    /// with Status: timeout and the sandbox's memory high-water mark; none the agent already wrote), and answers with
    /// Lambda's timeout error and Gone: the environment is replaced, and the event may have run.
    /// </summary>
    private async Task<(InvokeResult, EnvironmentError)> DeadlinePassedAsync(string requestId)
    {
        var killed = await _manager.KillAsync(Sandbox);
        FunctionLogFile.ReportHostTimeout(Sandbox.StdoutPath, requestId, Function, PeakMemoryMb());
        var message = $"The agent of {Sandbox.Id} did not answer within the timeout plus {_options.DeadlineGrace.TotalSeconds:0.###} s; "
            + (killed is null ? "the sandbox was killed." : $"killing the sandbox failed: {killed.Message}");
        return (HostTimeout(requestId), new(EnvironmentErrorCode.Gone, message) { MayHaveRun = true });
    }
}
