using System.Diagnostics;
using System.Globalization;
using Lamina.Hostile.Tests.Fixtures;
using Xunit.Abstractions;

namespace Lamina.Hostile.Tests;

/// <summary>
/// CPU starvation: a 128 MB neighbour's warm invokes timed without and with a function spinning more processes
/// than the host has cores, in alternating rounds, so a change of the machine's load during the test moves both
/// sides. The assertion is a generous bound on the ratio of medians
/// (docs/reliability.md states the measured figures); figures and load average go to the test output and to
/// TestResults/hostile-neighbour.txt.
/// </summary>
[Collection(HostileCollection.Name)]
public sealed class NeighbourTests(HostileServer server, ITestOutputHelper output)
{
    /// <summary>
    /// The asserted bound on median(during the spins) / median(between them). Measured 2.2–5.8× at load averages
    /// 17–22 and 2.4–10.8× at 33–48 with the default CPU settings (docs/reliability.md, "CPU spin"); 20× leaves room for a loaded CI
    /// machine and still fails the starvation seen before (40×, with weights 74 vs 2048).
    /// </summary>
    public const double MaxMedianRatio = 20;

    private const int Rounds = 3;

    private static int Samples => int.TryParse(Environment.GetEnvironmentVariable("LAMINA_HOSTILE_SAMPLES"), out var n) ? n : 30;

    [Fact]
    public async Task A_spinning_function_does_not_stop_its_neighbour()
    {
        await server.EnsureFunctionAsync("quiet", timeoutSeconds: 10);
        // 3538 MB = two vCPUs of CFS quota (one per 1769 MB, as Lambda): every core of a 2-core host.
        await server.EnsureFunctionAsync("spinner", memoryMb: 3538, timeoutSeconds: 300);
        for (var i = 0; i < 3; i++) await Ping(); // warm
        var warm = await server.InvokeAsync("spinner", "spin 0.1 1"); // the spinner's environment exists: the long spin starts at once
        Assert.True(warm.StatusCode == 200 && warm.FunctionError is null, $"spinner warm-up: {warm}");

        // Rounds alternate quiet pings and a spin with pings during it, so a change of the machine's load (other
        // builds and tests on the same cores) falls on both sides instead of on one.
        var quiet = new List<double>();
        var busy = new List<double>();
        var perRound = Math.Max(5, Samples / Rounds);
        for (var round = 0; round < Rounds; round++)
        {
            for (var i = 0; i < perRound; i++) quiet.Add(await Ping());
            // The spin has a fixed length (it cannot be stopped early): long enough for 5 pings of 1 s each, and for
            // perRound pings at the 5-50 ms they take next to it here.
            var spin = server.InvokeAsync("spinner", $"spin {Math.Max(5, perRound / 10)} 4");
            await Task.Delay(200);
            var during = 0;
            for (; during < perRound && !spin.IsCompleted; during++) busy.Add(await Ping());
            var spun = await spin;
            Assert.True(spun.StatusCode == 200 && spun.FunctionError is null, $"spinner: {spun}");
            Assert.StartsWith("spun", spun.Results.Single(), StringComparison.Ordinal);
            Assert.True(during >= 5, $"only {during} neighbour invokes ran while the spinner spun");
        }
        for (var i = 0; i < perRound; i++) quiet.Add(await Ping());

        var ratio = Median(busy) / Median(quiet);
        var load = File.ReadAllText("/proc/loadavg").Trim();
        var report = string.Create(CultureInfo.InvariantCulture,
            $"neighbour warm invoke: quiet median {Median(quiet):F2} ms (n={quiet.Count}, between the spins), next to a 4-process spinner (3538 MB) median {Median(busy):F2} ms (n={busy.Count}, {Rounds} spins), p90 {P90(busy):F2} ms, ratio {ratio:F2}; loadavg {load}; {Environment.ProcessorCount} CPUs; {Environment.GetEnvironmentVariable("LAMINA_HOSTILE_CPU") ?? "default CPU settings"}");
        output.WriteLine(report);
        var results = Path.Combine(AppContext.BaseDirectory, "hostile-neighbour.txt");
        await File.AppendAllTextAsync(results, DateTime.UtcNow.ToString("u", CultureInfo.InvariantCulture) + " " + report + "\n");
        if (Environment.GetEnvironmentVariable("LAMINA_HOSTILE_CPU") is null) // the bench's other settings only report
            Assert.True(ratio <= MaxMedianRatio, $"the neighbour's median slowed {ratio:F1}× (bound {MaxMedianRatio}×): {report}");
    }

    private async Task<double> Ping()
    {
        var clock = Stopwatch.StartNew();
        var answer = await server.InvokeAsync("quiet", "ping");
        var ms = clock.Elapsed.TotalMilliseconds;
        // Every neighbour invoke answers, well within its 10 s timeout.
        Assert.True(answer.StatusCode == 200 && answer.FunctionError is null && answer.Body.Contains("pong", StringComparison.Ordinal), $"neighbour: {answer}");
        return ms;
    }

    private static double Median(List<double> xs) => Percentile(xs, 0.5);

    private static double P90(List<double> xs) => Percentile(xs, 0.9);

    private static double Percentile(List<double> xs, double p)
    {
        var sorted = xs.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];
    }
}
