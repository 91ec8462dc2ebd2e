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
/// the runtime, the invoke). <c>LAMINA_BENCH_RUNTIMES=runc,runc-file,runc-split,runc-file-split,crun bench/coldstart/run.sh N</c>:
/// runc from the sealed in-memory copy (the default) or from its file (<c>-file</c>: <c>Execution:SealedRuntimeCopy=false</c>),
/// created and started in one call (<c>runc run --detach</c>, the default) or apart (<c>-split</c>: create, then start
/// with the agent wait, as a spare made with <see cref="SpareStage.Created"/> is), crun; a variant named with
/// <c>/spec-seccomp</c> (e.g. <c>runc/spec-seccomp</c>) has the runtime compile the seccomp filter from the spec
/// (<c>Execution:SeccompInAgent=false</c>) instead of lamina-init installing the precompiled one.
/// </summary>
internal static partial class RuntimeColdstart
{
    /// <summary>A variant as LAMINA_BENCH_RUNTIMES names it: a runtime, <c>-file</c> and/or <c>-split</c> for runc, then <c>/spec-seccomp</c>.</summary>
    public static (string Name, OciRuntime Runtime, bool SealedCopy, bool Split, bool SpecSeccomp) Parse(string text)
    {
        var (head, specSeccomp) = text.EndsWith("/spec-seccomp", StringComparison.Ordinal) ? (text[..text.IndexOf('/')], true) : (text, false);
        var parts = head.Split('-');
        if (!OciRuntimes.TryParse(parts[0], out var runtime) || parts.Skip(1).Any(p => p is not ("file" or "split")) ||
            (runtime != OciRuntime.Runc && parts.Length > 1))
            throw new ArgumentException("unknown runtime variant " + text);
        return (text, runtime, !parts.Contains("file"), parts.Contains("split"), specSeccomp);
    }

    public static async Task<Stats> MeasureAsync(IReadOnlyList<(string Name, OciRuntime Runtime, bool SealedCopy, bool Split, bool SpecSeccomp)> variants, string work, string agent,
        PulledImage image, FunctionConfig function, int runs)
    {
        var stats = new Stats();
        var payload = "{\"hello\":\"world\"}"u8.ToArray();
        var parent = "lamina-rt-bench-" + Guid.NewGuid().ToString("N")[..6];
        var factories = new List<(string Name, EnvironmentFactory Factory, bool Split)>();
        foreach (var (name, runtime, sealedCopy, split, specSeccomp) in variants)
        {
            var manager = new SandboxManager(new SandboxManagerOptions(Path.Combine(work, "rt-" + name.Replace('/', '-')), parent)
            {
                Runtime = runtime, SealedRuntimeCopy = sealedCopy, SeccompInAgent = !specSeccomp,
            });
            await manager.RecoverAsync();
            Console.WriteLine($"{name}: {manager.RuntimeDescription}");
            factories.Add((name, new EnvironmentFactory(manager, new EnvironmentOptions(agent)), split));
        }
        for (var i = -3; i < runs; i++)
        {
            foreach (var (name, factory, split) in factories)
            {
                var cpu0 = ChildrenCpuMs();
                var self0 = CpuMs(0 /* RUSAGE_SELF */);
                var clock = Stopwatch.StartNew();
                var id = $"rt-{name.Replace('/', '-')}-{i + 3}";
                var (env, error) = split ? await SplitStartAsync(factory, id, image, function) : await factory.StartAsync(id, image, function);
                if (env is null) throw new InvalidOperationException($"{name}: {error}");
                var (result, invokeError) = await env.InvokeAsync(payload);
                var total = clock.Elapsed.TotalMilliseconds;
                var cliCpu = ChildrenCpuMs() - cpu0;
                var selfCpu = CpuMs(0) - self0;
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
                stats.Add($"{name}: CPU of this process (Lamina's side, with the in-process server)", selfCpu);
                stats.Add($"{name}: = CPU per sandbox (CLI + cgroup + this process)", cliCpu + cgroupCpu + selfCpu);
            }
        }
        foreach (var hierarchy in Directory.GetDirectories("/sys/fs/cgroup"))
            if (Directory.Exists(Path.Combine(hierarchy, parent))) Directory.Delete(Path.Combine(hierarchy, parent));
        return stats;
    }

    // Create, then start + agent ready + init: the path before CreateAndStartAsync (and of a SpareStage.Created spare).
    private static async Task<(ExecutionEnvironment?, EnvironmentError?)> SplitStartAsync(EnvironmentFactory factory, string id,
        PulledImage image, FunctionConfig function)
    {
        var (prepared, error) = await factory.PrepareAsync(id, image, function, SpareStage.Created, freeze: false);
        return prepared is null ? (null, error) : await factory.InitAsync(prepared, freeze: true);
    }

    private static double CgroupCpuMs(string parent, string id)
    {
        var file = Path.Combine("/sys/fs/cgroup/cpuacct", parent, id, "cpuacct.usage");
        return File.Exists(file) ? long.Parse(File.ReadAllText(file).Trim(), System.Globalization.CultureInfo.InvariantCulture) / 1e6 : double.NaN;
    }

    // struct rusage: ru_utime and ru_stime (timeval: seconds, microseconds), then 14 longs.
    private static double ChildrenCpuMs() => CpuMs(-1 /* RUSAGE_CHILDREN */);

    private static unsafe double CpuMs(int who)
    {
        var usage = stackalloc long[18];
        if (getrusage(who, usage) != 0) return double.NaN;
        return (usage[0] + usage[2]) * 1000.0 + (usage[1] + usage[3]) / 1000.0;
    }

    [LibraryImport("libc")]
    private static unsafe partial int getrusage(int who, long* usage);
}
