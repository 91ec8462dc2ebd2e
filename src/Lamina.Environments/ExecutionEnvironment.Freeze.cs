using Lamina.Sandbox;

namespace Lamina.Environments;

/// <summary>The freeze that follows an answer, and its adaptive delay.</summary>
public sealed partial class ExecutionEnvironment
{
    /// <summary>
    /// The freeze delay after an invoke's answer, given <paramref name="gap"/> (the time from the previous answer to
    /// this invoke; null for the first): 1.5× the gap when it was at most
    /// <see cref="EnvironmentOptions.MaxFreezeDelay"/> (clamped to [FreezeDelay, MaxFreezeDelay]), else FreezeDelay.
    /// A client that calls every 30 ms thus keeps its environment running (no freeze, no thaw per invoke: ~6% of
    /// the host's CPU at 32 clients), while an environment left idle is still frozen within MaxFreezeDelay.
    /// </summary>
    internal static TimeSpan NextFreezeDelay(TimeSpan? gap, TimeSpan min, TimeSpan max)
    {
        if (gap is not { } g || max <= min || g > max) return min;
        var wanted = g * 1.5;
        return wanted < min ? min : wanted > max ? max : wanted;
    }

    /// <summary>Freezes <paramref name="delay"/> after the answer, unless another invoke came first.</summary>
    private async Task FreezeAfterAnswerAsync(long generation, TimeSpan delay)
    {
        _gate.Release();
        if (delay > TimeSpan.Zero) await Task.Delay(delay);
        else await Task.Yield();
        // A newer invoke has begun: it schedules its own freeze, so this one need not queue behind it on the gate.
        if (generation != Interlocked.Read(ref _invokes)) return;
        await _gate.WaitAsync();
        try
        {
            // A newer invoke took the environment in between: it runs thawed and schedules its own freeze.
            if (_destroyed || generation != _invokes || Sandbox.State != SandboxState.Running) return;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            // Not frozen is not fatal (the manager thawed it again): it idles in /next until the next invoke,
            // and an exit is noticed by the next invoke (Gone).
            await _manager.FreezeAsync(Sandbox);
            LastInvoke = LastInvoke with { FreezeMs = clock.Elapsed.TotalMilliseconds };
        }
        finally
        {
            _gate.Release();
        }
    }
}
