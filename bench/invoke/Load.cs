using System.Diagnostics;

namespace Lamina.Bench.Invoke;

/// <summary>One measured level: per-request latencies (ms) and wall time of the whole batch.</summary>
internal sealed record LoadResult(double[] LatenciesMs, double WallSeconds, int Errors, double CpuSeconds)
{
    /// <summary>This process's CPU time (user + system, every thread: server, client and echo alike) per request, in ms.</summary>
    public double CpuMsPerOp => LatenciesMs.Length == 0 ? 0 : CpuSeconds * 1000 / LatenciesMs.Length;
    public double P50 => Stats.Percentile(LatenciesMs, 0.50);
    public double P99 => Stats.Percentile(LatenciesMs, 0.99);
    public double PerSecond => LatenciesMs.Length / WallSeconds;
    public double Mean => LatenciesMs.Length == 0 ? 0 : LatenciesMs.Average();
}

/// <summary>Closed-loop load: <c>concurrency</c> clients each send their next request as soon as the previous answered.</summary>
internal static class Load
{
    /// <param name="send">One request; returns false when the answer was not the expected one (counted, not timed).</param>
    public static async Task<LoadResult> RunAsync(Func<Task<bool>> send, int concurrency, int total)
    {
        var latencies = new double[total];
        var next = -1;
        var errors = 0;
        var cpu0 = ProcessCpuSeconds();
        var wall = Stopwatch.StartNew();
        var clients = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < total)
            {
                var t = Stopwatch.GetTimestamp();
                if (!await send()) Interlocked.Increment(ref errors);
                latencies[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            }
        })).ToArray();
        await Task.WhenAll(clients);
        wall.Stop();
        return new LoadResult(latencies, wall.Elapsed.TotalSeconds, errors, ProcessCpuSeconds() - cpu0);
    }

    /// <summary>utime + stime of this process from /proc/self/stat (clock ticks of 10 ms; fields 14 and 15).</summary>
    public static double ProcessCpuSeconds()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // fields from 3 on: state is f[0]
        return (long.Parse(f[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(f[12], System.Globalization.CultureInfo.InvariantCulture)) / 100.0;
    }
}

/// <summary>Percentiles (nearest rank) and medians.</summary>
internal static class Stats
{
    public static double Percentile(IEnumerable<double> samples, double q)
    {
        var s = samples.Order().ToArray();
        return s.Length == 0 ? double.NaN : s[Math.Clamp((int)Math.Ceiling(q * s.Length) - 1, 0, s.Length - 1)];
    }

    public static double Median(IEnumerable<double> samples) => Percentile(samples, 0.5);
}
