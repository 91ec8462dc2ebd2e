using System.Text;
using Lamina.Environments.Tests.Fixtures;

namespace Lamina.Environments.Tests;

/// <summary>
/// EnvironmentOptions.MaxConcurrentStarts: a burst of cold starts beyond the cap queues for the runtime's create
/// and start instead of failing, and never runs more of them at once than the cap.
/// </summary>
public sealed class StartCapTests(PulledImageFixture image) : IClassFixture<PulledImageFixture>
{
    private static readonly FunctionConfig Echo = new("cap-fn", MemoryMb: 128, TimeoutSeconds: 30);

    [Fact]
    public async Task A_burst_beyond_the_cap_all_comes_up_with_at_most_the_cap_running_at_once()
    {
        await using var h = new EnvironmentHarness(image.AgentBinary);
        var capped = new EnvironmentFactory(h.Manager, new EnvironmentOptions(image.AgentBinary) { MaxConcurrentStarts = 2 });
        const int burst = 6;
        var started = await Task.WhenAll(Enumerable.Range(0, burst).Select(_ => capped.StartAsync(EnvironmentHarness.NewId(), image.Image, Echo)));
        foreach (var (env, _) in started) if (env is not null) h.Track(env);
        Assert.All(started, s => Assert.True(s.Environment is not null, s.Error?.ToString()));
        Assert.InRange(capped.PeakConcurrentStarts, 1, 2);

        // Each one is its own working environment.
        var pids = new HashSet<int>();
        foreach (var (env, _) in started)
        {
            var (result, error) = await env!.InvokeAsync(Encoding.UTF8.GetBytes("{\"cap\":1}"), null);
            Assert.True(error is null, error?.ToString());
            Assert.Contains("\"cap\":1", result!.PayloadText, StringComparison.Ordinal);
            pids.Add(env.Sandbox.Pid);
        }
        Assert.Equal(burst, pids.Count);
    }
}
