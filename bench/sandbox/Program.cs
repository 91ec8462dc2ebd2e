// Sandbox start benchmark: create+start to "process running" (the probe writes a byte to a fifo),
// Lamina (runc, detached) vs `docker run --network none` of the same root filesystem.
// Usage: Lamina.Bench.Sandbox <work-dir> <runs> [docker-host]
using System.Diagnostics;
using System.Globalization;
using Lamina.Bench.Sandbox;
using Lamina.Sandbox;

if (args is ["--spec", var control, var layerList])
{
    var req = new SandboxRequest("spec", layerList.Split(','), new ImageProcessConfig(["/bin/probe"], ["sleep"], "/", null), null,
        new LambdaEnvironment("bench", "$LATEST", "us-east-1", "x"), null);
    Console.OpenStandardOutput().Write(Lamina.Sandbox.Spec.SpecBuilder.Serialize(Lamina.Sandbox.Spec.SpecBuilder.Build(req, control, "lamina-exp")));
    return;
}
var work = Path.GetFullPath(args.Length > 0 ? args[0] : "/var/tmp/lamina-bench-sandbox");
var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50;
var dockerHost = args.Length > 2 ? args[2] : null;
Directory.CreateDirectory(work);
var layers = Rootfs.Build(Path.Combine(work, "image"));

var manager = new SandboxManager(new SandboxManagerOptions(Path.Combine(work, "data"), "lamina-bench"));
await manager.RecoverAsync();

// Warm-up: page cache, runc binary, JIT.
for (int i = 0; i < 3; i++) await Lamina.Bench.Sandbox.LaminaRun.OnceAsync(manager, layers, $"warm-{i}");

var lamina = new List<LaminaTiming>();
for (int i = 0; i < runs; i++) lamina.Add(await Lamina.Bench.Sandbox.LaminaRun.OnceAsync(manager, layers, $"b-{i}"));

Console.WriteLine($"runs: {runs}, host: {Environment.ProcessorCount} cores, runc: {Run("/usr/sbin/runc", "--version").Split('\n')[0]}");
Report("lamina create (mount+spec+runc create)", lamina.Select(t => t.CreateMs));
Report("lamina start→running (runc start+exec)", lamina.Select(t => t.StartToReadyMs));
Report("lamina create+start → process running", lamina.Select(t => t.TotalMs));
Report("lamina destroy (full cleanup)", lamina.Select(t => t.DestroyMs));

await IdleOverhead.MeasureAsync(manager, layers, 10);

await manager.RecoverAsync(); // removes the now-empty cgroup parent

if (dockerHost is not null)
{
    var docker = await DockerRun.MeasureAsync(dockerHost, layers, work, runs);
    Report("docker run --network none → process running", docker);
}

static void Report(string what, IEnumerable<double> samples)
{
    var s = samples.Order().ToArray();
    double P(double q) => s[Math.Min(s.Length - 1, (int)Math.Ceiling(q * s.Length) - 1)];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{what,-48} p50 {P(0.5),7:F1} ms   p90 {P(0.9),7:F1} ms   min {s[0],7:F1} ms   (n={s.Length})"));
}

static string Run(string file, params string[] a)
{
    var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var x in a) psi.ArgumentList.Add(x);
    using var p = Process.Start(psi)!;
    var o = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
    p.WaitForExit();
    return o;
}
