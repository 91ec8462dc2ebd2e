using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Lamina.Environments.Tests.Fixtures;
using Lamina.Server;
using Xunit.Abstractions;

namespace Lamina.Hostile.Tests.Input;

/// <summary>
/// A bounded loop of random requests (<see cref="RandomRequests"/>) against a real server on loopback (registry,
/// Lambda API, ECR and Logs JSON 1.1, console JSON, metrics) and against lamina-init's Runtime API in emulator
/// mode. Neither answers 500 (except the Lambda API's documented ServiceException for an invoke while execution
/// is off), both keep serving, and nothing the server lists is half-created.
/// </summary>
public sealed class HttpSurfaceTests(ITestOutputHelper output)
{
    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("LAMINA_FUZZ_SEED"), out var s) ? s : Environment.TickCount;

    private static TimeSpan Budget => TimeSpan.FromSeconds(Fuzz.Seconds * 3);

    [Fact]
    public async Task The_server_answers_random_requests_without_500_and_stays_consistent()
    {
        var dir = Directory.CreateTempSubdirectory("lamina-fuzz-http-").FullName;
        var seed = Seed;
        output.WriteLine($"seed {seed} (LAMINA_FUZZ_SEED={seed} replays it)");
        try
        {
            await using var host = LaminaHost.Create(new LaminaOptions { Port = 0, DataDir = dir, AuthEnabled = false, Execution = new() { Enabled = false } });
            await host.StartAsync();
            using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
            var requests = new RandomRequests(seed);
            var failures = new List<string>();
            var statuses = new Dictionary<int, int>();
            var clock = Stopwatch.StartNew();
            var count = 0;
            while (clock.Elapsed < Budget)
            {
                using var request = requests.Next();
                var line = $"{request.Method} {request.RequestUri} {string.Join(' ', request.Headers.Select(h => h.Key + "=" + Truncate(string.Join(',', h.Value))))}";
                using var response = await http.SendAsync(request);
                var status = (int)response.StatusCode;
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                count++;
                if (status >= 500 && !Documented(request, response))
                    failures.Add($"{status} for {line}: {Truncate(await response.Content.ReadAsStringAsync())}");
            }
            output.WriteLine($"{count} requests in {clock.Elapsed.TotalSeconds:F0} s; statuses {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}:{s.Value}"))}");
            Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));

            // Still serving, and everything it lists can be read back whole.
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/v2/")).StatusCode);
            var functions = JsonDocument.Parse(await http.GetStringAsync("/2015-03-31/functions")).RootElement.GetProperty("Functions");
            foreach (var f in functions.EnumerateArray())
            {
                var name = f.GetProperty("FunctionName").GetString();
                Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/2015-03-31/functions/{name}")).StatusCode);
            }
            var catalog = JsonDocument.Parse(await http.GetStringAsync("/v2/_catalog")).RootElement.GetProperty("repositories");
            foreach (var repo in catalog.EnumerateArray())
            {
                using var tags = await http.GetAsync($"/v2/{repo.GetString()}/tags/list");
                Assert.Equal(HttpStatusCode.OK, tags.StatusCode);
            }
            output.WriteLine($"afterwards: {functions.GetArrayLength()} functions, {catalog.GetArrayLength()} repositories, all readable");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    // Execution is off in this server: an invoke that reaches the invoker is Lambda's ServiceException by design.
    private static bool Documented(HttpRequestMessage request, HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.InternalServerError
        && request.RequestUri!.OriginalString.Contains("invocations", StringComparison.Ordinal)
        && response.Headers.TryGetValues("x-amzn-ErrorType", out var type) && type.First() == "ServiceException";

    [Fact]
    public async Task The_agents_Runtime_API_answers_random_requests_without_500_and_still_invokes()
    {
        var dir = Directory.CreateTempSubdirectory("lamina-fuzz-agent-").FullName;
        var runtime = Path.Combine(dir, "bootstrap");
        Tool.Run("/usr/bin/gcc", "-static", "-O2", "-o", runtime, Path.Combine(AppContext.BaseDirectory, "Fixtures", "hostile-runtime.c"));
        int apiPort = FreePort(), invokePort = FreePort();
        var psi = new ProcessStartInfo(AgentBinary.Path) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "--runtime-api-address", $"127.0.0.1:{apiPort}", "--runtime-interface-emulator-address", $"127.0.0.1:{invokePort}", "--", runtime })
            psi.ArgumentList.Add(a);
        psi.Environment["AWS_LAMBDA_FUNCTION_TIMEOUT"] = "2";
        using var agent = Process.Start(psi)!;
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        agent.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        agent.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        agent.BeginOutputReadLine();
        agent.BeginErrorReadLine();
        var seed = Seed;
        output.WriteLine($"seed {seed}");
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            using var fuzz = new HttpClient { Timeout = TimeSpan.FromMilliseconds(500) }; // /next blocks: keep its wait short
            Assert.Contains("pong", await InvokeAsync(http, invokePort), StringComparison.Ordinal);
            var random = new Random(seed);
            var failures = new List<string>();
            var count = 0;
            var clock = Stopwatch.StartNew();
            string[] paths = ["/2018-06-01/runtime/invocation/next", "/2018-06-01/runtime/invocation/{id}/response", "/2018-06-01/runtime/invocation/{id}/error",
                "/2018-06-01/runtime/init/error", "/2020-01-01/extension/register", "/2020-01-01/extension/event/next", "/2020-01-01/extension/init/error",
                "/2020-01-01/extension/exit/error", "/2022-07-01/telemetry", "/2020-08-15/logs", "/2018-06-01/../../x", "/", "/2018-06-01/runtime/invocation/"];
            string[] ids = ["x", "00000000-0000-0000-0000-000000000000", "..", new string('a', 5000), "%00", ""];
            string[] methods = ["GET", "POST", "PUT", "DELETE"];
            while (clock.Elapsed < Budget)
            {
                var path = paths[random.Next(paths.Length)].Replace("{id}", Uri.EscapeDataString(ids[random.Next(ids.Length)]), StringComparison.Ordinal);
                using var request = new HttpRequestMessage(new HttpMethod(methods[random.Next(methods.Length)]), $"http://127.0.0.1:{apiPort}{path}");
                var body = new byte[random.Next(0, 3) == 0 ? random.Next(0, 7 << 20) : random.Next(0, 512)];
                random.NextBytes(body);
                if (random.Next(2) == 0) body = Encoding.UTF8.GetBytes("""{"events":["INVOKE","SHUTDOWN"],"types":["platform"],"destination":{"protocol":"HTTP","URI":"http://127.0.0.1:1"},"buffering":{"maxItems":-1}}"""[..random.Next(0, 140)]);
                request.Content = new ByteArrayContent(body);
                foreach (var h in new[] { "Lambda-Extension-Name", "Lambda-Extension-Identifier", "Lambda-Runtime-Function-Error-Type", "Lambda-Runtime-Function-Response-Mode" })
                    if (random.Next(3) == 0) request.Headers.TryAddWithoutValidation(h, ids[random.Next(ids.Length)]);
                count++;
                try
                {
                    using var response = await fuzz.SendAsync(request);
                    if ((int)response.StatusCode >= 500) failures.Add($"{(int)response.StatusCode} for {request.Method} {path}: {Truncate(await response.Content.ReadAsStringAsync())}");
                }
                catch (TaskCanceledException)
                {
                    // /next blocks until an event comes: a timeout is its normal answer here.
                }
                if (agent.WaitForExit(0))
                    Assert.Fail($"lamina-init exited ({agent.ExitCode}) after {request.Method} {path} {string.Join(' ', request.Headers.Select(h => h.Key + "=" + Truncate(string.Join(',', h.Value))))} body {body.Length} bytes:\n{string.Join('\n', log.TakeLast(30))}");
            }
            output.WriteLine($"{count} Runtime API requests in {clock.Elapsed.TotalSeconds:F0} s");
            Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
            // Fuzzed /next calls may have taken events or the runtime may have been declared failed; it recovers.
            string last = "";
            for (var i = 0; i < 10 && !last.Contains("pong", StringComparison.Ordinal); i++) last = await InvokeAsync(http, invokePort);
            Assert.Contains("pong", last, StringComparison.Ordinal);
        }
        finally
        {
            agent.Kill(entireProcessTree: true);
            await agent.WaitForExitAsync();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<string> InvokeAsync(HttpClient http, int port)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var r = await http.PostAsync($"http://127.0.0.1:{port}/2015-03-31/functions/function/invocations", new StringContent("\"ping\""));
                return await r.Content.ReadAsStringAsync();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && attempt < 50)
            {
                await Task.Delay(200);
            }
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static string Truncate(string s) => s.Length > 100 ? s[..100] + "…" : s;
}
