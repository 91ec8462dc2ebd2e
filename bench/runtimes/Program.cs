using System.Diagnostics;
using System.Globalization;
using System.Text;
using Lamina.Bench.Runtimes;

// Cold start (lamina-init spawned → first invoke answered, runtime spawn and init included) and warm
// invoke latency of the .NET samples under the emulator:
//   managed: dotnet TASK_ROOT/CSharpHello.dll, _HANDLER=CSharpHello::CSharpHello.Function::Handler
//   aot:     the NativeAOT csharp-aot bootstrap
// Usage: Lamina.Bench.Runtimes --agent LAMINA_INIT --task-root DIR --aot BOOTSTRAP [--cold 10] [--warm 2000]
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
var env = new Dictionary<string, string>
{
    ["LAMBDA_TASK_ROOT"] = opts["--task-root"],
    ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "256",
    ["_HANDLER"] = "CSharpHello::CSharpHello.Function::Handler",
};
var runtimes = new (string Name, string[] Command)[]
{
    ("managed (dotnet CSharpHello.dll, class-library mode)", ["/usr/bin/dotnet", Path.Combine(opts["--task-root"], "CSharpHello.dll")]),
    ("NativeAOT (provided bootstrap)", [opts["--aot"], "hello"]),
};
var payload = Encoding.UTF8.GetBytes("""{"name":"bench"}""");
using var http = new HttpClient();

foreach (var (name, command) in runtimes)
{
    var start = new List<double>();
    var init = new List<double>();
    var memory = new List<double>();
    var latencies = new List<double>();
    for (var run = 0; run < cold; run++)
    {
        var clock = Stopwatch.StartNew();
        using var emulator = await Emulator.StartAsync(opts["--agent"], command, env);
        await InvokeAsync(emulator.Invoke);
        start.Add(clock.Elapsed.TotalMilliseconds);
        init.Add(await emulator.ReportFieldAsync("Init Duration") ?? double.NaN);
        if (run < cold - 1) continue;
        // Warm: the last cold environment serves sequential invokes on one keep-alive connection.
        for (var i = 0; i < warm; i++)
        {
            var t = Stopwatch.GetTimestamp();
            await InvokeAsync(emulator.Invoke);
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

async Task InvokeAsync(Uri uri)
{
    using var content = new ByteArrayContent(payload);
    using var response = await http.PostAsync(uri, content);
    var body = await response.Content.ReadAsStringAsync();
    if (!response.IsSuccessStatusCode || response.Headers.Contains("X-Amz-Function-Error") || !body.Contains("Hello, bench!", StringComparison.Ordinal))
        throw new InvalidOperationException($"invoke failed ({(int)response.StatusCode}): {body}");
}

static double P(List<double> samples, double p)
{
    var sorted = samples.Order().ToArray();
    return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
