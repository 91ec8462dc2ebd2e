// Warm invoke through the whole platform (client → Lambda API → scheduler → agent → runtime → back) vs a plain
// Kestrel echo in the same run, and scale-out from zero to 100 concurrent environments.
// Usage: Lamina.Bench.Invoke [work-dir] [reps=1] [requests per client count, e.g. 1:1000,32:3000,128:5000]
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Lamina.Bench.Invoke;
using Lamina.Environments.Tests.Fixtures;
using Lamina.Scheduler;

var inv = CultureInfo.InvariantCulture;
var work = Path.GetFullPath(args.Length > 0 ? args[0] : "/var/tmp/lamina-bench-invoke");
var reps = args.Length > 1 ? int.Parse(args[1], inv) : 1;
var levels = (args.Length > 2 ? args[2] : "1:1000,32:3000,128:5000").Split(',')
    .Select(l => l.Split(':')).Select(p => (Clients: int.Parse(p[0], inv), Requests: int.Parse(p[1], inv))).ToArray();
const int ScaleTarget = 100;
Directory.CreateDirectory(work);

var execution = new ExecutionOptions
{
    Enabled = true,
    AgentBinary = AgentBinary.Path,
    IdleTimeout = TimeSpan.FromMinutes(30),
    // One parent per bench process: a server's recovery removes every sandbox under its parent, so two benches
    // sharing one (two helpers on one host) killed each other's environments.
    CgroupParent = "lamina-bench-invoke-" + Environment.ProcessId,
    AccountConcurrency = 1000,
    ScalingBurst = 1000,   // the whole scale-out may start at once …
    ScalingRate = 1000,    // … and refills never hold it back: the bucket does not cap this test
    MemoryLimitMb = 65536, // 100 + 128 environments × 128 MB = 29 GB of budget; the host has 24 GB, the environments use ~2 MB each
    // No spare sandboxes: they would count among the sandboxes the scale-out and warm-up gates wait for, and they
    // do not help a burst from zero (bench/coldstart measures cold starts from a spare).
    SpareSandboxes = 0,
    // LAMINA_BENCH_INIT_CPU_BOOST=false: the CFS quota from create (A/B of Execution:InitCpuBoost, default on).
    InitCpuBoost = Environment.GetEnvironmentVariable("LAMINA_BENCH_INIT_CPU_BOOST") != "false",
    // LAMINA_BENCH_RUNTIME=crun: sandboxes made by crun instead of runc (A/B of Execution:Runtime, default runc).
    Runtime = Environment.GetEnvironmentVariable("LAMINA_BENCH_RUNTIME") ?? "runc",
    // LAMINA_BENCH_MAX_STARTS=N: at most N runtime create/start calls at once (A/B of Execution:MaxConcurrentStarts, default 0 = no cap).
    MaxConcurrentStarts = int.Parse(Environment.GetEnvironmentVariable("LAMINA_BENCH_MAX_STARTS") ?? "0", CultureInfo.InvariantCulture),
};
var layout = Path.Combine(work, "layout");
if (Directory.Exists(layout)) Directory.Delete(layout, recursive: true);
TestImage.WriteLayout(layout, execution.AgentBinary, "v1");
var payload = "{\"bench\":\"invoke\",\"pad\":\"" + new string('x', 64) + "\"}";

Console.WriteLine($"host: {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Trim()}, runtime {execution.Runtime}, MaxConcurrentStarts {execution.MaxConcurrentStarts}");
Console.WriteLine($"execution: AccountConcurrency {execution.AccountConcurrency}, ScalingBurst {execution.ScalingBurst}, ScalingRate {execution.ScalingRate}/s, MemoryLimitMb {execution.MemoryLimitMb}; MemorySize 128");
var tsv = Path.Combine(work, "results.tsv");
File.WriteAllText(tsv, "rep\tclients\trequests\tlamina_p50_ms\tlamina_p99_ms\tlamina_per_s\techo_p50_ms\techo_p99_ms\techo_per_s\tlamina_errors\tload1\tlamina_cpu_ms\tsandbox_cpu_ms\techo_cpu_ms\n");
var scaleTsv = Path.Combine(work, "scaleout.tsv");
File.WriteAllText(Path.Combine(work, "thaw-freeze.tsv"), "rep\tthaw_p50_ms\tfreeze_p50_ms\tload1\n");
File.WriteAllText(Path.Combine(work, "phases.tsv"), "rep\tclients\tinvokes\tadmit_ms\tenvironment_ms\tlogs_ms\tfinish_ms\tclient_mean_ms\n");
File.WriteAllText(scaleTsv, "rep\tenvironments\tall_placed_s\tall_served_s\tfirst_served_s\tcount1_answers\terrors\tload1\tcpu_ms_per_env\tprocess_ms_per_env\tclis_ms_per_env\tsandboxes_ms_per_env\n");

var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
await using var echo = await EchoServer.StartAsync();
using var echoClient = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, UseProxy = false }) { BaseAddress = echo.BaseAddress };
async Task<bool> EchoOnce()
{
    using var r = await echoClient.PostAsync("/echo", new StringContent(payload, Encoding.UTF8, "application/json"));
    return r.IsSuccessStatusCode && (await r.Content.ReadAsStringAsync()).Contains("\"echo\":", StringComparison.Ordinal);
}
await Load.RunAsync(EchoOnce, 4, 500); // JIT and connections

for (var rep = 1; rep <= reps; rep++)
{
    await using var platform = await Platform.StartAsync(work, layout, execution, errors);
    await platform.CreateFunctionAsync("echo");
    await platform.CreateFunctionAsync("scale");
    var released = new HashSet<string>();

    // Scale-out: 100 concurrent invokes that hold their environment ("wait") until the release gate opens,
    // which happens once 100 sandboxes exist (so no invoke can reuse another's environment).
    var load1 = Load1();
    var scaleEnvs = 0;
    // LAMINA_BENCH_SCALEOUT=0 skips it: interleaved A/B pairs of the warm levels then take minutes, not tens.
    if (Environment.GetEnvironmentVariable("LAMINA_BENCH_SCALEOUT") != "0")
    {
        // The burst is the first time this process runs the environment-start path; the bench is JIT-compiled while
        // `lamina server` is published ReadyToRun, so one environment of a third function is started first and the
        // burst's CPU is the steady state's (LAMINA_BENCH_JIT_WARM=0: measure the JIT in, as before session 7).
        var before = 0;
        if (Environment.GetEnvironmentVariable("LAMINA_BENCH_JIT_WARM") != "0")
        {
            await platform.CreateFunctionAsync("jit");
            if (await platform.InvokeAsync("jit", payload) is null) Console.WriteLine("the JIT warm-up invoke failed: " + platform.LastError);
            before = platform.SandboxCount;
        }
        var scaleCpu0 = ScaleOutCpuSeconds(execution.CgroupParent);
        var window0 = Stopwatch.GetTimestamp(); // CLOCK_MONOTONIC ns on Linux: `perf record -k CLOCK_MONOTONIC` samples line up
        var t0 = Stopwatch.StartNew();
        var done = new double[ScaleTarget];
        var answers = Enumerable.Range(0, ScaleTarget).Select(i => Task.Run(async () =>
        {
            var a = await platform.InvokeAsync("scale", $"{{\"wait\":{i}}}");
            done[i] = t0.Elapsed.TotalSeconds;
            return a;
        })).ToArray();
        double placed = double.NaN;
        while (!answers.All(a => a.IsCompleted))
        {
            if (double.IsNaN(placed) && platform.SandboxCount >= before + ScaleTarget) placed = t0.Elapsed.TotalSeconds;
            if (!double.IsNaN(placed) || t0.Elapsed > TimeSpan.FromMinutes(3)) platform.ReleaseNew(released);
            await Task.Delay(5);
        }
        var results = await Task.WhenAll(answers);
        var scaleCpu1 = ScaleOutCpuSeconds(execution.CgroupParent);
        var (cpuProcess, cpuChildren, cpuSandboxes) = (scaleCpu1.Process - scaleCpu0.Process, scaleCpu1.Children - scaleCpu0.Children, scaleCpu1.Sandboxes - scaleCpu0.Sandboxes);
        var scaleCpu = cpuProcess + cpuChildren + cpuSandboxes;
        Console.WriteLine(string.Create(inv, $"rep {rep} scale-out window (CLOCK_MONOTONIC s, for perf -k CLOCK_MONOTONIC; JIT warm-up {(before > 0 ? "on" : "off")}): {window0 / (double)Stopwatch.Frequency:F6} {Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency:F6}"));
        var firstOnes = results.Count(a => a is not null && a.Contains("\"count\":1}", StringComparison.Ordinal));
        var scaleErrors = results.Count(a => a is null || !a.Contains("\"echo\":", StringComparison.Ordinal));
        var envs = platform.SandboxCount;
        scaleEnvs = envs;
        File.AppendAllText(scaleTsv, string.Create(inv, $"{rep}\t{envs}\t{placed:F3}\t{done.Max():F3}\t{done.Min():F3}\t{firstOnes}\t{scaleErrors}\t{load1}\t{scaleCpu * 1000 / ScaleTarget:F1}\t{cpuProcess * 1000 / ScaleTarget:F1}\t{cpuChildren * 1000 / ScaleTarget:F1}\t{cpuSandboxes * 1000 / ScaleTarget:F1}\n"));
        Console.WriteLine(string.Create(inv, $"rep {rep} scale-out: {envs} environments, all placed {placed:F2} s, all served {done.Max():F2} s (first {done.Min():F2} s), {firstOnes} first invokes, {scaleErrors} errors{(scaleErrors > 0 ? ": " + platform.LastError : "")}; load {load1}; CPU {scaleCpu:F2} s ({scaleCpu * 1000 / ScaleTarget:F0} ms per environment = this process with the server {cpuProcess * 1000 / ScaleTarget:F1} + its waited-for children, {execution.Runtime} CLIs, {cpuChildren * 1000 / ScaleTarget:F1} + the sandboxes' cgroups {cpuSandboxes * 1000 / ScaleTarget:F1})"));
    }

    foreach (var (clients, requests) in levels)
    {
        // Warm exactly `clients` environments of "echo": hold that many invokes until as many sandboxes exist.
        // The scale-out's environments stay (idle) beside them; a start that fails never adds its sandbox, so the
        // gate also opens after 30 s rather than waiting for the invokes' timeout.
        var warm = Enumerable.Range(0, clients).Select(_ => Task.Run(() => platform.InvokeAsync("echo", "{\"wait\":0}"))).ToArray();
        var warmStarted = Stopwatch.StartNew();
        while (!warm.All(w => w.IsCompleted))
        {
            if (platform.SandboxCount >= scaleEnvs + clients || warmStarted.Elapsed > TimeSpan.FromSeconds(30)) platform.ReleaseNew(released);
            await Task.Delay(5);
        }
        await Task.WhenAll(warm);
        await Load.RunAsync(async () => await platform.InvokeAsync("echo", payload) is not null, clients, Math.Max(clients * 4, 50));
        var envs = platform.SandboxCount;

        load1 = Load1();
        platform.Phases.Reset();
        var sandboxCpu0 = SandboxCpuSeconds(execution.CgroupParent);
        var allocated0 = GC.GetTotalAllocatedBytes(precise: true);
        var lamina = await Load.RunAsync(async () => (await platform.InvokeAsync("echo", payload))?.Contains("\"echo\":", StringComparison.Ordinal) == true, clients, requests);
        var sandboxCpuMs = (SandboxCpuSeconds(execution.CgroupParent) - sandboxCpu0) * 1000 / requests;
        // Managed bytes allocated per invoke by this process (server + load generator): load moves it far less than CPU
        // (a little: slower invokes meet more freezes and timers), so it is compared within a run or an interleaved pair.
        var allocatedKb = (GC.GetTotalAllocatedBytes(precise: true) - allocated0) / 1024.0 / requests;
        var phases = platform.Phases.Means();
        var echoAllocated0 = GC.GetTotalAllocatedBytes(precise: true);
        var plain = await Load.RunAsync(EchoOnce, clients, requests);
        var echoAllocatedKb = (GC.GetTotalAllocatedBytes(precise: true) - echoAllocated0) / 1024.0 / requests;
        File.AppendAllText(tsv, string.Create(inv,
            $"{rep}\t{clients}\t{requests}\t{lamina.P50:F3}\t{lamina.P99:F3}\t{lamina.PerSecond:F0}\t{plain.P50:F3}\t{plain.P99:F3}\t{plain.PerSecond:F0}\t{lamina.Errors}\t{load1}\t{lamina.CpuMsPerOp:F3}\t{sandboxCpuMs:F3}\t{plain.CpuMsPerOp:F3}\n"));
        if (clients == 1)
        {
            var (thawMs, freezeMs) = await platform.TimeThawFreezeAsync(20);
            File.AppendAllText(Path.Combine(work, "thaw-freeze.tsv"), string.Create(inv, $"{rep}\t{thawMs:F2}\t{freezeMs:F2}\t{Load1()}\n"));
            Console.WriteLine(string.Create(inv, $"rep {rep} one idle environment, 20 times: thaw (freezer.state) p50 {thawMs:F1} ms, freeze (freezer.state) p50 {freezeMs:F1} ms"));
        }
        File.AppendAllText(Path.Combine(work, "phases.tsv"), string.Create(inv,
            $"{rep}\t{clients}\t{phases.Count}\t{phases.AdmitMs:F3}\t{phases.EnvironmentMs:F3}\t{phases.LogsMs:F3}\t{phases.FinishMs:F3}\t{lamina.Mean:F3}\n"));
        Console.WriteLine(string.Create(inv,
            $"rep {rep} clients {clients,3}: scheduler phases, mean per invoke: admit {phases.AdmitMs:F2} ms, environment (thaw + control socket + agent + runtime) {phases.EnvironmentMs:F2} ms, " +
            $"logs {phases.LogsMs:F2} ms, record + release {phases.FinishMs:F2} ms; client mean {lamina.Mean:F2} ms → API, SigV4 and HTTP {lamina.Mean - phases.AdmitMs - phases.EnvironmentMs - phases.LogsMs - phases.FinishMs:F2} ms"));
        Console.WriteLine(string.Create(inv,
            $"rep {rep} clients {clients,3}: lamina p50 {lamina.P50:F2} ms p99 {lamina.P99:F2} ms {lamina.PerSecond:F0}/s ({lamina.Errors} errors{(lamina.Errors > 0 ? ": " + platform.LastError : "")}) | echo p50 {plain.P50:F2} ms p99 {plain.P99:F2} ms {plain.PerSecond:F0}/s | environments {envs} | load {load1}"));
        Console.WriteLine(string.Create(inv,
            $"rep {rep} clients {clients,3}: CPU per request: lamina process {lamina.CpuMsPerOp:F3} ms + sandboxes (agent + runtime) {sandboxCpuMs:F3} ms | echo process {plain.CpuMsPerOp:F3} ms (process = server + client + signing, utime+stime of /proc/self/stat); allocated {allocatedKb:F1} KB per invoke (echo server + client {echoAllocatedKb:F1} KB per request)"));
    }
}

File.WriteAllLines(Path.Combine(work, "errors.txt"), errors);
// Every environment is destroyed with its server; the now-empty cgroup parents are the bench's to remove.
foreach (var hierarchy in Directory.GetDirectories("/sys/fs/cgroup"))
{
    try { if (Directory.Exists(Path.Combine(hierarchy, execution.CgroupParent))) Directory.Delete(Path.Combine(hierarchy, execution.CgroupParent)); }
    catch (IOException e) { Console.Error.WriteLine($"cgroup {hierarchy}/{execution.CgroupParent} left: {e.Message}"); }
}
Summary.Write(tsv, scaleTsv, Path.Combine(work, "summary.md"));
Console.WriteLine();
Console.WriteLine(File.ReadAllText(Path.Combine(work, "summary.md")));

// CPU of every sandbox (agent + runtime) from the cgroup v1 cpuacct hierarchy of the bench's cgroup parent, in seconds.
static double SandboxCpuSeconds(string parent)
{
    var usage = Path.Combine("/sys/fs/cgroup/cpuacct", parent, "cpuacct.usage");
    return File.Exists(usage) ? long.Parse(File.ReadAllText(usage).Trim(), CultureInfo.InvariantCulture) / 1e9 : double.NaN;
}

// CPU of the whole scale-out in seconds, split: this process (server, clients), its waited-for children (runtime CLI
// processes, from cutime/cstime of /proc/self/stat) and every sandbox (cpuacct of the bench's cgroup parent).
static (double Process, double Children, double Sandboxes) ScaleOutCpuSeconds(string? parent)
{
    var stat = File.ReadAllText("/proc/self/stat");
    var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    var children = (long.Parse(f[13], CultureInfo.InvariantCulture) + long.Parse(f[14], CultureInfo.InvariantCulture)) / 100.0;
    var sandboxes = SandboxCpuSeconds(parent!);
    return (Load.ProcessCpuSeconds(), children, double.IsNaN(sandboxes) ? 0 : sandboxes);
}

static string Load1() => File.ReadAllText("/proc/loadavg").Split(' ')[0];
