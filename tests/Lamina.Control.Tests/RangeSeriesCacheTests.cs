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

    /// <summary>A control host's metrics store, a clock at the start of the current minute, the cache on that clock
    /// and the live series of function "cached".</summary>
    private sealed class Setup : IAsyncDisposable
    {
        private readonly ControlTestHost _host;

        private Setup(ControlTestHost host, TimeSpan? maxAge)
        {
            _host = host;
            Store = host.Host.Services.GetRequiredService<MetricsStore>();
            // A minute's start, so that +10 s and +50 s stay in it and +60 s is the next one.
            Start = DateTimeOffset.FromUnixTimeSeconds(Minute(DateTimeOffset.UtcNow) * 60);
            Clock = new ManualClock(Start);
            Cache = new RangeSeriesCache(Clock, maxAge);
        }

        public static async Task<Setup> StartAsync(TimeSpan? maxAge = null) => new(await ControlTestHost.StartAsync(), maxAge);

        public MetricsStore Store { get; }
        public DateTimeOffset Start { get; }
        public ManualClock Clock { get; }
        public RangeSeriesCache Cache { get; }
        public FunctionMetrics Live { get; } = new("cached");

        /// <summary>The invocation count of the answer <paramref name="range"/> gets now.</summary>
        public long Invocations(string range, string function = "cached") =>
            Cache.Build(function, function == "cached" ? Live : null, Store, Minute(Clock.Now), MetricRange.Parse(range)!).Summary.Invocations;

        public ValueTask DisposeAsync() => _host.DisposeAsync();
    }

    [Fact]
    public async Task A_long_range_is_served_from_the_cache_within_its_minute_and_max_age_and_shows_a_new_invocation_after()
    {
        await using var t = await Setup.StartAsync();
        // Three days back, inside 7d: the week's answer counts 7 before anything happens live.
        await t.Store.SaveAsync([new MinuteRow("cached", Minute(t.Start) - 3 * 24 * 60, 7, 0, 0, 0, 0, 0, 1, 7, [300, 300, 300, 300, 300, 300, 300])], CancellationToken.None);

        Assert.Equal(7, t.Invocations("7d"));
        t.Live.Add(Invocation(t.Start.AddSeconds(5)));
        t.Clock.Now = t.Start.AddSeconds(10);
        // Same minute, 10 s old: the cached answer (the new invocation is not in it yet).
        Assert.Equal(7, t.Invocations("7d"));
        // Uncached ranges see it at once.
        Assert.Equal(1, t.Invocations("24h"));

        // The minute closed: rebuilt, the invocation shows.
        t.Clock.Now = t.Start.AddSeconds(60);
        Assert.Equal(8, t.Invocations("7d"));
    }

    [Fact]
    public async Task An_answer_older_than_max_age_is_rebuilt_within_the_same_minute()
    {
        await using var t = await Setup.StartAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(0, t.Invocations("15d"));
        t.Live.Add(Invocation(t.Start.AddSeconds(1)));
        t.Clock.Now = t.Start.AddSeconds(4);
        Assert.Equal(0, t.Invocations("15d"));
        t.Clock.Now = t.Start.AddSeconds(5);
        Assert.Equal(1, t.Invocations("15d"));
        // Another function's answer is its own entry.
        Assert.Equal(0, t.Invocations("15d", "other"));
    }
}
