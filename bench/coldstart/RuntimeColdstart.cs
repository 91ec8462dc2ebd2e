using System.Diagnostics;
using System.Runtime.InteropServices;
using Lamina.Environments;
using Lamina.Images;
using Lamina.Sandbox;

namespace Lamina.Bench.Coldstart;

/// <summary>
/// Cold starts on demand with each OCI runtime (Execution:Runtime), interleaved start by start in one run: the
/// sandbox-ready phases as in the main table, plus the CPU one sandbox costs — the runtime's CLI processes
/// (utime+stime of this process's waited-for children over create, start, first invoke; kill and delete are after)
/// and the sandbox's own cgroup (cpuacct.usage after the first answer: the runtime's in-container init, lamina-init,
/// the runtime, the invoke). <c>LAMINA_BENCH_RUNTIMES=runc,crun bench/coldstart/run.sh N</c>; a runtime named with
/// <c>/spec-seccomp</c> (e.g. <c>runc/spec-seccomp</c>) has the runtime compile the seccomp filter from the spec
/// (<c>Execution:SeccompInAgent=false</c>) instead of lamina-init installing the precompiled one.
/// </summary>
internal static partial class RuntimeColdstart
{
    public static async Task<Stats> MeasureAsync(IReadOnlyList<string> variants, string work, string agent,
        PulledImage image, FunctionConfig function, int runs)
    {
        var stats = new Stats();
        var payload = "{\"hello\":\"world\"}"u8.ToArray();
        var parent = "lamina-rt-bench-" + Guid.NewGuid().ToString("N")[..6];
        var factories = new List<(string Name, EnvironmentFactory Factory)>();
        foreach (var variant in variants)
        {
            var runtimeName = variant.Split('/')[0];
            var runtime = OciRuntimes.TryParse(runtimeName, out var rt) ? rt : throw new ArgumentException("unknown runtime " + variant);
            var specSeccomp = variant.EndsWith("/spec-seccomp", StringComparison.Ordinal);
            var manager = new SandboxManager(new SandboxManagerOptions(Path.Combine(work, "rt-" + variant.Replace('/', '-')), parent)
            {
                Runtime = runtime, SeccompInAgent = !specSeccomp,
            });
            await manager.RecoverAsync();
            factories.Add((variant, new EnvironmentFactory(manager, new EnvironmentOptions(agent))));
        }
        for (var i = -3; i < runs; i++)
        {
            foreach (var (name, factory) in factories)
            {
                var cpu0 = ChildrenCpuMs();
                var clock = Stopwatch.StartNew();
                var (env, error) = await factory.StartAsync($"rt-{name.Replace('/', '-')}-{i + 3}", image, function);
                if (env is null) throw new InvalidOperationException($"{name}: {error}");
                var (result, invokeError) = await env.InvokeAsync(payload);
                var total = clock.Elapsed.TotalMilliseconds;
                var cliCpu = ChildrenCpuMs() - cpu0;
                if (invokeError is not null || result!.StatusCode != 200) throw new InvalidOperationException($"{name}: invoke failed: {invokeError}");
                var cgroupCpu = CgroupCpuMs(parent, env.Sandbox.Id);
                await env.SettledAsync();
                if (await env.DestroyAsync() is { } destroyError) throw new InvalidOperationException(destroyError.ToString());
                if (i < 0) continue;
                var t = env.Timings;
                stats.Add($"{name}: create (mount+config.json+{name} create)", t.CreateMs);
                stats.Add($"{name}: {name} start", t.StartMs);
                stats.Add($"{name}: agent ready (start → control socket healthy)", t.AgentReadyMs);
                stats.Add($"{name}: = sandbox ready (create → agent healthy)", t.SandboxReadyMs);
                stats.Add($"{name}: = create → first answer", total);
                stats.Add($"{name}: CPU of the {name} CLI processes", cliCpu);
                stats.Add($"{name}: CPU in the sandbox cgroup to first answer", cgroupCpu);
            }
        }
        foreach (var hierarchy in Directory.GetDirectories("/sys/fs/cgroup"))
            if (Directory.Exists(Path.Combine(hierarchy, parent))) Directory.Delete(Path.Combine(hierarchy, parent));
        return stats;
    }

    private static double CgroupCpuMs(string parent, string id)
    {
        var file = Path.Combine("/sys/fs/cgroup/cpuacct", parent, id, "cpuacct.usage");
        return File.Exists(file) ? long.Parse(File.ReadAllText(file).Trim(), System.Globalization.CultureInfo.InvariantCulture) / 1e6 : double.NaN;
    }

    // struct rusage: ru_utime and ru_stime (timeval: seconds, microseconds), then 14 longs.
    private static unsafe double ChildrenCpuMs()
    {
        var usage = stackalloc long[18];
        if (getrusage(-1 /* RUSAGE_CHILDREN */, usage) != 0) return double.NaN;
        return (usage[0] + usage[2]) * 1000.0 + (usage[1] + usage[3]) / 1000.0;
    }

    [LibraryImport("libc")]
    private static unsafe partial int getrusage(int who, long* usage);
}
