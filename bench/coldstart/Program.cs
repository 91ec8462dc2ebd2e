using System.Diagnostics;
using System.Text;
using Lamina.Bench.Coldstart;
using Lamina.Environments;
using Lamina.Environments.Tests.Fixtures;
using Lamina.Images;
using Lamina.Sandbox;
using Lamina.Server;
using Microsoft.Extensions.Logging;

// Cold start by phase: Lamina (image store + runc + lamina-init) and, when a dockerd socket is given,
// `docker run --network none` of the same image with the same agent. Usage:
//   Lamina.Bench.Coldstart <work-dir> <runs> <lamina-init> [unix:///path/docker.sock]
if (args.Length < 3) { Console.Error.WriteLine("usage: <work-dir> <runs> <lamina-init> [docker-host]"); return 2; }
var work = Directory.CreateDirectory(args[0]).FullName;
var runs = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
var agent = Path.GetFullPath(args[2]);
var dockerHost = args.Length > 3 ? args[3] : null;
Console.WriteLine($"runs: {runs}, host: {Environment.ProcessorCount} cores, load: {File.ReadAllText("/proc/loadavg").Trim()}");
Console.WriteLine(Tool.Run("/usr/sbin/runc", "--version").Split('\n')[0]);

var layout = Path.Combine(work, "layout");
if (Directory.Exists(layout)) Directory.Delete(layout, true);
TestImage.WriteLayout(layout, agent, "v1");
var registryDir = Path.Combine(work, "registry");
if (Directory.Exists(registryDir)) Directory.Delete(registryDir, true);
await using var host = LaminaHost.Create(new LaminaOptions { Port = 0, DataDir = registryDir, AuthEnabled = false },
    logging => logging.SetMinimumLevel(LogLevel.Warning));
await host.StartAsync();
var reference = $"{host.BaseAddress.Authority}/bench/echo:v1";
Tool.Run("/usr/bin/skopeo", "copy", "--dest-tls-verify=false", "--preserve-digests", $"oci:{layout}:v1", "docker://" + reference);
var imageBytes = Directory.GetFiles(Path.Combine(layout, "blobs", "sha256")).Sum(f => new FileInfo(f).Length);
Console.WriteLine($"image {reference}: {imageBytes / 1024} KiB of blobs (2 gzip layers)");

// Pull + unpack: each run into a fresh image store (nothing cached).
var stats = new Stats();
PulledImage? image = null;
ImageStore? store = null;
var pulls = Math.Min(runs, 20);
for (var i = 0; i < pulls; i++)
{
    store?.Dispose();
    var dir = Path.Combine(work, "images-" + i);
    store = new ImageStore(new ImageStoreOptions { DataDirectory = dir, Durable = false });
    var clock = Stopwatch.StartNew();
    var progress = new TimedProgress(clock);
    var pulled = await store.PullAsync(reference, progress);
    var total = clock.Elapsed.TotalMilliseconds;
    if (!pulled.Succeeded) throw new InvalidOperationException(pulled.Error!.ToString());
    stats.Add("pull (manifest+config+layer download)", progress.LastDownloadMs);
    stats.Add("unpack (after the last downloaded byte)", total - progress.LastDownloadMs);
    stats.Add("pull+unpack (cold store)", total);
    image = pulled.Image;
}

// LAMINA_BENCH_RUNTIMES=runc,crun: only the on-demand cold start per OCI runtime, interleaved (RuntimeColdstart).
if (Environment.GetEnvironmentVariable("LAMINA_BENCH_RUNTIMES") is { Length: > 0 } runtimeList)
{
    var runtimes = runtimeList.Split(',').Select(r => r.Trim()).ToList();
    Console.WriteLine(Tool.Run("/usr/bin/crun", "--version").Split('\n')[0]);
    var byRuntime = await RuntimeColdstart.MeasureAsync(runtimes, work, agent, image!, new FunctionConfig("bench-fn", MemoryMb: 256, TimeoutSeconds: 30), runs);
    byRuntime.Print($"on demand per runtime, interleaved (image local, NativeAOT lamina-init), load after: {File.ReadAllText("/proc/loadavg").Trim()}:");
    store?.Dispose();
    await host.StopAsync();
    return 0;
}

var layersTopFirst = image!.Layers.Select(l => l.Path).Reverse().ToArray();
var sbxData = Path.Combine(work, "sandboxes");
var parent = "lamina-coldstart-" + Guid.NewGuid().ToString("N")[..6];
var manager = new SandboxManager(new SandboxManagerOptions(sbxData, parent));
await manager.RecoverAsync();
var factory = new EnvironmentFactory(manager, new EnvironmentOptions(agent));
var function = new FunctionConfig("bench-fn", MemoryMb: 256, TimeoutSeconds: 30);
var payload = Encoding.UTF8.GetBytes("""{"hello":"world"}""");
for (var i = -3; i < runs; i++)
{
    var mountMs = OverlayMount.Measure(layersTopFirst, work);
    var clock = Stopwatch.StartNew();
    var (env, error) = await factory.StartAsync($"cs-{i + 3}", image, function);
    if (env is null) throw new InvalidOperationException(error!.ToString());
    var (result, invokeError) = await env.InvokeAsync(payload);
    var firstInvokeMs = clock.Elapsed.TotalMilliseconds - env.Timings.TotalMs;
    if (invokeError is not null || result!.StatusCode != 200) throw new InvalidOperationException($"invoke failed: {invokeError} {result?.PayloadText}");
    var total = clock.Elapsed.TotalMilliseconds;
    // The freeze after answering is off the timed path; wait for it so its duration is known before destroy.
    await env.SettledAsync();
    var destroy = Stopwatch.StartNew();
    if (await env.DestroyAsync() is { } destroyError) throw new InvalidOperationException(destroyError.ToString());
    if (i < 0) continue;
    var t = env.Timings;
    stats.Add("rootfs overlay mount (alone)", mountMs);
    stats.Add("create (mount+config.json+runc create)", t.CreateMs);
    stats.Add("runc start", t.StartMs);
    stats.Add("agent ready (start → control socket healthy)", t.AgentReadyMs);
    stats.Add("= sandbox ready (create → agent healthy)", t.SandboxReadyMs);
    stats.Add("runtime init (POST /lamina/v1/init)", t.RuntimeInitMs);
    stats.Add("freeze after init + first invoke", firstInvokeMs);
    stats.Add("  of which thaw (freezer.state)", env.LastInvoke.ThawMs);
    stats.Add("  of which the invoke itself", env.LastInvoke.InvokeMs);
    stats.Add("  freeze after answering (off the path)", env.LastInvoke.FreezeMs);
    stats.Add("= create → first answer", total);
    stats.Add("destroy (shutdown, stop, full cleanup)", destroy.Elapsed.TotalMilliseconds);
}
stats.Print("lamina (image local, runc + NativeAOT lamina-init):");
var spares = await SpareColdstart.MeasureAsync(factory, image, function, parent, runs);
spares.Print("lamina from a spare made ahead of demand (the scheduler's cold start after a pool's first):");
await IdleOverhead.MeasureAsync(factory, image, function, parent, 10);
// Every sandbox is destroyed; the manager's (empty) cgroup parent directories go too.
foreach (var hierarchy in Directory.GetDirectories("/sys/fs/cgroup"))
    if (Directory.Exists(Path.Combine(hierarchy, parent))) Directory.Delete(Path.Combine(hierarchy, parent));
foreach (var i in Enumerable.Range(0, pulls)) Directory.Delete(Path.Combine(work, "images-" + i), true);

if (dockerHost is not null)
{
    var docker = await DockerColdstart.MeasureAsync(dockerHost, layout, agent, work, runs);
    docker.Print("docker run --network none (same image, same agent, image local):");
    Console.WriteLine($"ratio sandbox ready p50: docker/lamina = {docker.P50("= container ready (run → agent healthy)") / stats.P50("= sandbox ready (create → agent healthy)"):0.0}x; " +
        $"first answer: {docker.P50("= run → first answer") / stats.P50("= create → first answer"):0.0}x");
    Console.WriteLine($"ratio sandbox ready on the invoke path p50, docker/lamina spare: agent-ready {docker.P50("= container ready (run → agent healthy)") / spares.P50("agent-ready spare: sandbox ready on the invoke path"):0}x, " +
        $"runc-created {docker.P50("= container ready (run → agent healthy)") / spares.P50("runc-created spare: sandbox ready on the invoke path"):0.0}x; " +
        $"first answer agent-ready {docker.P50("= run → first answer") / spares.P50("agent-ready spare: = take → first answer"):0.0}x");
}
store?.Dispose();
await host.StopAsync();
return 0;
