namespace Lamina.Environments.Tests;

/// <summary>
/// The adaptive freeze delay (EnvironmentOptions.FreezeDelay … MaxFreezeDelay): an environment invoked at a steady
/// rhythm stays thawed between invokes; one left idle goes back to the short delay (so it is frozen soon after).
/// </summary>
public sealed class FreezeDelayTests
{
    private static readonly TimeSpan Min = TimeSpan.FromMilliseconds(20), Max = TimeSpan.FromMilliseconds(200);

    private static TimeSpan Next(double? gapMs) =>
        ExecutionEnvironment.NextFreezeDelay(gapMs is { } g ? TimeSpan.FromMilliseconds(g) : null, Min, Max);

    [Fact]
    public void The_first_invoke_and_a_long_gap_use_the_base_delay()
    {
        Assert.Equal(Min, Next(null));
        Assert.Equal(Min, Next(201));
        Assert.Equal(Min, Next(60_000));
    }

    [Fact]
    public void A_gap_within_the_bound_keeps_the_environment_thawed_half_as_long_again()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(45), Next(30));   // a client calling every ~30 ms: no freeze between
        Assert.Equal(Min, Next(5));                             // never below the base
        Assert.Equal(Max, Next(190));                           // never above the bound
    }

    [Fact]
    public void A_bound_at_or_below_the_base_turns_the_adaptation_off()
    {
        Assert.Equal(Min, ExecutionEnvironment.NextFreezeDelay(TimeSpan.FromMilliseconds(15), Min, Min));
        Assert.Equal(Min, ExecutionEnvironment.NextFreezeDelay(TimeSpan.FromMilliseconds(15), Min, TimeSpan.Zero));
    }
}
