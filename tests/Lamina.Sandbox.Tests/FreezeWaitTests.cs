using Lamina.Sandbox.Host;

namespace Lamina.Sandbox.Tests;

/// <summary>The one freeze pacing v1's freezer and v2's cgroup.freeze share (<see cref="FreezeWait"/>).</summary>
public sealed class FreezeWaitTests
{
    [Theory]
    [InlineData(0, 0.5, 0)]   // young freeze: only yield
    [InlineData(0, 2.5, 1)]   // 2 ms in: start backing off
    [InlineData(1, 3.0, 2)]
    [InlineData(2, 5.0, 4)]
    [InlineData(4, 9.0, 8)]
    [InlineData(8, 17.0, 10)] // capped
    [InlineData(10, 500.0, 10)]
    public void The_wait_yields_while_young_then_doubles_up_to_ten_ms(int delayMs, double elapsedMs, int expected) =>
        Assert.Equal(expected, FreezeWait.NextDelayMs(delayMs, TimeSpan.FromMilliseconds(elapsedMs)));

    [Fact]
    public void A_wait_is_timed_out_only_past_its_timeout()
    {
        Assert.True(new FreezeWait(TimeSpan.FromTicks(-1)).TimedOut);
        Assert.False(new FreezeWait(TimeSpan.FromDays(1)).TimedOut);
    }
}
