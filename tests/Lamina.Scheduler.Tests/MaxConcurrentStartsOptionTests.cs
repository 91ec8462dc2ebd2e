namespace Lamina.Scheduler.Tests;

/// <summary><c>Execution:MaxConcurrentStarts</c>: the cap on concurrent runtime create/start calls, validated.</summary>
public sealed class MaxConcurrentStartsOptionTests
{
    [Theory]
    [InlineData(-1)]
    [InlineData(1001)]
    public void Out_of_range_values_are_refused_naming_the_key_and_range(int value)
    {
        var error = Assert.Single(new ExecutionOptions { MaxConcurrentStarts = value }.Validate());
        Assert.Contains("Execution:MaxConcurrentStarts", error, StringComparison.Ordinal);
        Assert.Contains("out of range 0-1000", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_is_no_cap_and_the_bounds_are_accepted()
    {
        Assert.Equal(0, new ExecutionOptions().MaxConcurrentStarts);
        Assert.Empty(new ExecutionOptions { MaxConcurrentStarts = 0 }.Validate());
        Assert.Empty(new ExecutionOptions { MaxConcurrentStarts = 1000 }.Validate());
    }
}
