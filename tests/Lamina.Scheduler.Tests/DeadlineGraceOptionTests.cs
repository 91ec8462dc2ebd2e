using Lamina.Server;

namespace Lamina.Scheduler.Tests;

/// <summary><c>Execution:DeadlineGrace</c>: the host's wait past a function's timeout, validated with the server's options.</summary>
public sealed class DeadlineGraceOptionTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(99)]
    [InlineData(300_001)]
    [InlineData(-1000)]
    public void Out_of_range_grace_is_refused_naming_the_key_and_range(int milliseconds)
    {
        var errors = new ExecutionOptions { DeadlineGrace = TimeSpan.FromMilliseconds(milliseconds) }.Validate();
        var error = Assert.Single(errors);
        Assert.Contains("Execution:DeadlineGrace", error, StringComparison.Ordinal);
        Assert.Contains("out of range 00:00:00.1-00:05:00", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_is_two_seconds_and_the_bounds_are_accepted()
    {
        Assert.Equal(TimeSpan.FromSeconds(2), new ExecutionOptions().DeadlineGrace);
        Assert.Empty(new ExecutionOptions { DeadlineGrace = TimeSpan.FromMilliseconds(100) }.Validate());
        Assert.Empty(new ExecutionOptions { DeadlineGrace = TimeSpan.FromMinutes(5) }.Validate());
    }

    [Fact]
    public void A_server_with_a_bad_grace_does_not_start_and_creates_nothing()
    {
        var dir = Path.Combine(Path.GetTempPath(), "lamina-grace-" + Guid.NewGuid().ToString("N"));
        var e = Assert.Throws<LaminaConfigurationException>(() => LaminaHost.Create(new LaminaOptions
        {
            Port = 0, DataDir = dir, Execution = new ExecutionOptions { Enabled = false, DeadlineGrace = TimeSpan.Zero },
        }));
        Assert.Contains("Execution:DeadlineGrace", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(dir, "execution")));
    }
}
