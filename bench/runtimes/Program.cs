using System.Diagnostics;
using System.Globalization;
using System.Text;
using Lamina.Bench.Runtimes;

// Cold start (lamina-init spawned → first invoke answered, runtime spawn and init included) and warm
// invoke latency of the samples under the emulator, each through its base image's runtime interface client:
//   python:  runtimes/python/bootstrap, samples/python-hello, _HANDLER=app.handler (the host's python3)
//   nodejs:  runtimes/nodejs/bootstrap, samples/node-customer, _HANDLER=app.lambdaHandler (the host's node)
//   managed: dotnet TASK_ROOT/CSharpHello.dll, _HANDLER=CSharpHello::CSharpHello.Function::Handler
//   aot:     the NativeAOT csharp-aot bootstrap
// Usage: Lamina.Bench.Runtimes --agent LAMINA_INIT --task-root DIR --aot BOOTSTRAP [--repo DIR] [--cold 10] [--warm 2000]
var opts = new Dictionary<string, string>(StringComparer.Ordinal) { ["--cold"] = "10", ["--warm"] = "2000" };
for (var i = 0; i + 1 < args.Length; i += 2) opts[args[i]] = args[i + 1];
foreach (var required in new[] { "--agent", "--task-root", "--aot" })
{
    if (!opts.ContainsKey(required))
    {
        await Console.Error.WriteLineAsync($"missing {required}; see bench/runtimes/run.sh");
        return 2;
    }
}
var cold = int.Parse(opts["--cold"], CultureInfo.InvariantCulture);
var warm = int.Parse(opts["--warm"], CultureInfo.InvariantCulture);
var repo = opts.GetValueOrDefault("--repo", Directory.GetCurrentDirectory());
Dictionary<string, string> Env(string taskRoot, string handler, string? runtimeDir = null)
{
    var env = new Dictionary<string, string>
    {
        ["LAMBDA_TASK_ROOT"] = taskRoot,
        ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "256",
        ["_HANDLER"] = handler,
    };
    if (runtimeDir is not null) env["LAMBDA_RUNTIME_DIR"] = runtimeDir;
    return env;
}
string RuntimeDir(string language) => Path.Combine(repo, "runtimes", language);
// Each runtime's answer to {"name":"bench"} carries a marker that shows the handler, not an error, answered.
var runtimes = new (string Name, string[] Command, Dictionary<string, string> Env, string Marker)[]
{
    ("Python (runtimes/python, samples/python-hello)", [Path.Combine(RuntimeDir("python"), "bootstrap")],
        Env(Path.Combine(repo, "samples", "python-hello"), "app.handler", RuntimeDir("python")), "Hello from AWS Lambda using Python"),
    ("Node.js (runtimes/nodejs, samples/node-customer)", [Path.Combine(RuntimeDir("nodejs"), "bootstrap")],
        Env(Path.Combine(repo, "samples", "node-customer"), "app.lambdaHandler", RuntimeDir("nodejs")), "username"),
    ("managed (dotnet CSharpHello.dll, class-library mode)", ["/usr/bin/dotnet", Path.Combine(opts["--task-root"], "CSharpHello.dll")],
        Env(opts["--task-root"], "CSharpHello::CSharpHello.Function::Handler"), "Hello, bench!"),
    ("NativeAOT (provided bootstrap)", [opts["--aot"], "hello"],
        Env(opts["--task-root"], "CSharpHello::CSharpHello.Function::Handler"), "Hello, bench!"),
};
var payload = Encoding.UTF8.GetBytes("""{"name":"bench"}""");
using var http = new HttpClient();

foreach (var (name, command, env, marker) in runtimes)
{
    var start = new List<double>();
    var init = new List<double>();
    var memory = new List<double>();
    var latencies = new List<double>();
    for (var run = 0; run < cold; run++)
    {
        var clock = Stopwatch.StartNew();
        using var emulator = await Emulator.StartAsync(opts["--agent"], command, env);
        await InvokeAsync(emulator.Invoke, marker);
        start.Add(clock.Elapsed.TotalMilliseconds);
        init.Add(await emulator.ReportFieldAsync("Init Duration") ?? double.NaN);
        if (run < cold - 1) continue;
        // Warm: the last cold environment serves sequential invokes on one keep-alive connection.
        for (var i = 0; i < warm; i++)
        {
            var t = Stopwatch.GetTimestamp();
            await InvokeAsync(emulator.Invoke, marker);
            latencies.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }
        memory.Add(await emulator.ReportFieldAsync("Max Memory Used") ?? double.NaN);
    }
    Console.WriteLine($"{name}");
    Console.WriteLine($"  cold start, spawn → first response  p50 {P(start, 0.5):0.0} ms  min {start.Min():0.0} ms  max {start.Max():0.0} ms  (n={start.Count})");
    Console.WriteLine($"  Init Duration (REPORT)              p50 {P(init, 0.5):0.0} ms  min {init.Min():0.0} ms");
    Console.WriteLine($"  warm invoke (client round trip)     p50 {P(latencies, 0.5) * 1000:0} µs  p90 {P(latencies, 0.9) * 1000:0} µs  p99 {P(latencies, 0.99) * 1000:0} µs  (n={latencies.Count})");
    Console.WriteLine($"  Max Memory Used after warm run      {memory.LastOrDefault():0} MB");
}
return 0;

async Task InvokeAsync(Uri uri, string marker)
{
    using var content = new ByteArrayContent(payload);
    using var response = await http.PostAsync(uri, content);
    var body = await response.Content.ReadAsStringAsync();
    if (!response.IsSuccessStatusCode || response.Headers.Contains("X-Amz-Function-Error") || !body.Contains(marker, StringComparison.Ordinal))
        throw new InvalidOperationException($"invoke failed ({(int)response.StatusCode}): {body}");
}

static double P(List<double> samples, double p)
{
    var sorted = samples.Order().ToArray();
    return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
