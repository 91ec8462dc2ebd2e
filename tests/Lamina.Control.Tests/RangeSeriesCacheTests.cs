using Lamina.Control.Invoke;
using Lamina.Control.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Lamina.Control.Tests;

/// <summary>
/// The 7d/15d answer cache: served again within its minute and <see cref="RangeSeriesCache.MaxAge"/>, rebuilt
/// (showing a newer invocation) once the minute closes or the age passes; 1h/24h never cached. The clock is
/// driven (<see cref="ManualClock"/>): no wall-clock timing is asserted.
/// </summary>
public sealed class RangeSeriesCacheTests
{
    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;

        public override long GetTimestamp() => Now.UtcTicks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    }

    private static InvocationRecord Invocation(DateTimeOffset at) =>
        new("cached", "$LATEST", Guid.NewGuid().ToString(), InvocationType.RequestResponse, at, 10, null, InvocationOutcome.Success, null, 1);

    private static long Minute(DateTimeOffset t) => t.ToUnixTimeSeconds() / 60;

    [Fact]
    public async Task A_long_range_is_served_from_the_cache_within_its_minute_and_max_age_and_shows_a_new_invocation_after()
    {
        await using var t = await ControlTestHost.StartAsync();
        var store = t.Host.Services.GetRequiredService<MetricsStore>();
        // A minute's start, so that +10 s and +50 s stay in it and +60 s is the next one.
        var start = DateTimeOffset.FromUnixTimeSeconds(Minute(DateTimeOffset.UtcNow) * 60);
        await store.SaveAsync([new MinuteRow("cached", Minute(start) - 3 * 24 * 60, 7, 0, 0, 0, 0, 0, 1, 7, [300, 300, 300, 300, 300, 300, 300])], CancellationToken.None);
        var clock = new ManualClock(start);
        var cache = new RangeSeriesCache(clock);
        var week = MetricRange.Parse("7d")!;
        var live = new FunctionMetrics("cached");

        Assert.Equal(7, cache.Build("cached", live, store, Minute(clock.Now), week).Summary.Invocations);
        live.Add(Invocation(start.AddSeconds(5)));
        clock.Now = start.AddSeconds(10);
        // Same minute, 10 s old: the cached answer (the new invocation is not in it yet).
        Assert.Equal(7, cache.Build("cached", live, store, Minute(clock.Now), week).Summary.Invocations);
        // Uncached ranges see it at once.
        Assert.Equal(1, cache.Build("cached", live, store, Minute(clock.Now), MetricRange.Parse("24h")!).Summary.Invocations);

        // The minute closed: rebuilt, the invocation shows.
        clock.Now = start.AddSeconds(60);
        Assert.Equal(8, cache.Build("cached", live, store, Minute(clock.Now), week).Summary.Invocations);
    }

    [Fact]
    public async Task An_answer_older_than_max_age_is_rebuilt_within_the_same_minute()
    {
        await using var t = await ControlTestHost.StartAsync();
        var store = t.Host.Services.GetRequiredService<MetricsStore>();
        var start = DateTimeOffset.FromUnixTimeSeconds(Minute(DateTimeOffset.UtcNow) * 60);
        var clock = new ManualClock(start);
        var cache = new RangeSeriesCache(clock, TimeSpan.FromSeconds(5));
        var fortnight = MetricRange.Parse("15d")!;
        var live = new FunctionMetrics("cached");

        Assert.Equal(0, cache.Build("cached", live, store, Minute(clock.Now), fortnight).Summary.Invocations);
        live.Add(Invocation(start.AddSeconds(1)));
        clock.Now = start.AddSeconds(4);
        Assert.Equal(0, cache.Build("cached", live, store, Minute(clock.Now), fortnight).Summary.Invocations);
        clock.Now = start.AddSeconds(5);
        Assert.Equal(1, cache.Build("cached", live, store, Minute(clock.Now), fortnight).Summary.Invocations);
        // Another function's answer is its own entry.
        Assert.Equal(0, cache.Build("other", null, store, Minute(clock.Now), fortnight).Summary.Invocations);
    }
}
