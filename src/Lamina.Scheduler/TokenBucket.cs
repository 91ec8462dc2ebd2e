namespace Lamina.Scheduler;

/// <summary>
/// A function's scale-out budget: <c>burst</c> new environments at once, refilled at <c>rate</c> per second.
/// Only starting an environment takes a token; warm reuse is free. Not thread-safe: the scheduler's lock guards it.
/// </summary>
internal sealed class TokenBucket(double rate, int burst, long nowTicks)
{
    private double _tokens = burst;
    private long _lastTicks = nowTicks;

    /// <summary>Takes one token if one is available at <paramref name="nowTicks"/> (<see cref="TimeProvider"/> timestamps).</summary>
    public bool TryTake(long nowTicks, long ticksPerSecond)
    {
        var elapsed = Math.Max(0, nowTicks - _lastTicks) / (double)ticksPerSecond;
        _lastTicks = nowTicks;
        _tokens = Math.Min(burst, _tokens + elapsed * rate);
        if (_tokens < 1) return false;
        _tokens -= 1;
        return true;
    }

}
