using System.Diagnostics;
using Lamina.Environments;
using Lamina.Images;

namespace Lamina.Bench.Coldstart;

/// <summary>
/// Cold starts from a spare made ahead of demand (what the scheduler does after a pool's first cold start):
/// the spare is prepared untimed, then the invoke path is timed — take it (thaw, or runc start + agent ready),
/// runtime init, first invoke. Both stages, plus each spare's idle memory charge.
/// </summary>
internal static class SpareColdstart
{
    public static async Task<Stats> MeasureAsync(EnvironmentFactory factory, PulledImage image, FunctionConfig function, string parent, int runs)
    {
        var stats = new Stats();
        var payload = "{\"hello\":\"world\"}"u8.ToArray();
        foreach (var stage in new[] { SpareStage.AgentReady, SpareStage.Created })
        {
            var label = stage == SpareStage.AgentReady ? "agent-ready spare" : "runc-created spare";
            for (var i = -3; i < runs; i++)
            {
                var (spare, error) = await factory.PrepareAsync($"sp-{stage}-{i + 3}".ToLowerInvariant(), image, function, stage);
                if (spare is null) throw new InvalidOperationException(error!.ToString());
                var charge = MemoryCharge(parent, spare.Sandbox.Id);
                // Give the spare the time a real one has (it waits for the next cold start), off the clock.
                await Task.Delay(5);
                var clock = Stopwatch.StartNew();
                var (env, initError) = await factory.InitAsync(spare, freeze: false);
                if (env is null) throw new InvalidOperationException(initError!.ToString());
                var (result, invokeError) = await env.InvokeAsync(payload);
                var total = clock.Elapsed.TotalMilliseconds;
                if (invokeError is not null || result!.StatusCode != 200) throw new InvalidOperationException($"invoke failed: {invokeError}");
                await env.DestroyAsync();
                if (i < 0) continue;
                stats.Add($"{label}: sandbox ready on the invoke path", env.Timings.OnPathMs);
                stats.Add($"{label}: runtime init", env.Timings.RuntimeInitMs);
                stats.Add($"{label}: first invoke", env.LastInvoke.InvokeMs);
                stats.Add($"{label}: = take → first answer", total);
                stats.Add($"{label}: idle memory charge (MiB)", charge / 1048576.0);
            }
        }
        return stats;
    }

    private static double MemoryCharge(string parent, string id)
    {
        var file = Path.Combine("/sys/fs/cgroup/memory", parent, id, "memory.usage_in_bytes");
        return File.Exists(file) ? long.Parse(File.ReadAllText(file).Trim(), System.Globalization.CultureInfo.InvariantCulture) : 0;
    }
}
