using System.Diagnostics;

namespace Lamina.Sandbox.Host;

/// <summary>
/// The pacing of a freeze in progress, one for v1's <c>freezer.state</c> (<see cref="Freezer"/>) and v2's
/// <c>cgroup.freeze</c> (<see cref="CgroupV2Layout"/>): the first rounds only yield (the usual freeze completes
/// within them), then, 2 ms in, the wait backs off 1, 2, 4, 8 and 10 ms; <see cref="TimedOut"/> once the timeout has passed.
/// </summary>
internal sealed class FreezeWait(TimeSpan timeout)
{
    /// <summary>The longest wait between two polls.</summary>
    internal const int MaxDelayMs = 10;

    private readonly long _start = Stopwatch.GetTimestamp();
    private int _delayMs;

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_start);

    public bool TimedOut => Elapsed > timeout;

    /// <summary>Starts the back-off over, as after v1's thaw-and-retry.</summary>
    public void Restart() => _delayMs = 0;

    /// <summary>Waits before the next poll.</summary>
    public async Task NextAsync()
    {
        if (_delayMs > 0) await Task.Delay(_delayMs);
        else await Task.Yield();
        _delayMs = NextDelayMs(_delayMs, Elapsed);
    }

    /// <summary>The wait after one of <paramref name="delayMs"/>, <paramref name="elapsed"/> into the freeze: 0 (yield) until 2 ms, then doubling from 1 to <see cref="MaxDelayMs"/>.</summary>
    internal static int NextDelayMs(int delayMs, TimeSpan elapsed) =>
        delayMs == 0 ? (elapsed.TotalMilliseconds > 2 ? 1 : 0) : Math.Min(delayMs * 2, MaxDelayMs);
}
