using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lamina.Environments.Tests.Fixtures;
using Lamina.Scheduler;
using Lamina.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lamina.Bench.Invoke;

/// <summary>
/// A real Lamina server in process (port 0, temporary data directory, auth on, execution on) with the echo
/// test image pushed by skopeo, and a SigV4-signing client for its Lambda API.
/// </summary>
internal sealed class Platform : IAsyncDisposable
{
    private readonly string _dir;
    private readonly LaminaHost _host;

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _errors;

    private Platform(string dir, LaminaHost host, HttpClient client, System.Collections.Concurrent.ConcurrentQueue<string> errors)
    {
        _errors = errors;
        _dir = dir;
        _host = host;
        Client = client;
    }

    public HttpClient Client { get; }
    public string Image => $"{_host.BaseAddress.Authority}/bench/echo:v1";
    private string SandboxesDir => Path.Combine(Path.GetFullPath(Path.Combine(_dir, "data")), "execution", "sandboxes");
    private Scheduler.Scheduler Scheduler => _host.Services.GetRequiredService<Scheduler.Scheduler>();

    /// <summary>The scheduler's per-phase sums (reset before a measured level).</summary>
    public InvokePhases Phases => Scheduler.Phases;

    /// <summary>Starts the server with <paramref name="execution"/>, pushes the image from <paramref name="layout"/>.</summary>
    public static async Task<Platform> StartAsync(string workDir, string layout, ExecutionOptions execution, System.Collections.Concurrent.ConcurrentQueue<string> errors)
    {
        var dir = Directory.CreateDirectory(Path.Combine(workDir, "s" + Guid.NewGuid().ToString("N")[..6]) /* short: control socket paths must fit in 107 bytes */).FullName;
        var host = LaminaHost.Create(new LaminaOptions { Port = 0, DataDir = Path.Combine(dir, "data"), AuthEnabled = true, Execution = execution },
            l => l.SetMinimumLevel(LogLevel.Warning));
        await host.StartAsync();
        var c = host.Credentials;
        Tool.Run("/usr/bin/skopeo", "copy", "--dest-tls-verify=false", "--preserve-digests", "--dest-creds", $"{c.AccessKeyId}:{c.SecretAccessKey}",
            $"oci:{layout}:v1", $"docker://{host.BaseAddress.Authority}/bench/echo:v1");
        var client = new HttpClient(new SigningHandler(c.AccessKeyId, c.SecretAccessKey, c.Region)) { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        return new Platform(dir, host, client, errors);
    }

    /// <summary>CreateFunction (Image, MemorySize 128) through the Lambda API, then polls until State is Active.</summary>
    public async Task CreateFunctionAsync(string name)
    {
        var body = new JsonObject
        {
            ["FunctionName"] = name,
            ["PackageType"] = "Image",
            ["Code"] = new JsonObject { ["ImageUri"] = Image },
            ["Role"] = "arn:aws:iam::123456789012:role/lambda-role",
            ["MemorySize"] = 128,
            ["Timeout"] = 60,
        };
        // LAMINA_BENCH_FUNCTION_ENV=K=V,K=V: the function's environment variables (the runtime sees them; DOTNET_*/COMPlus_*
        // no longer reach lamina-init under their names since session 9, so agent knobs are A/B'd with LAMINA_INIT_BINARY).
        if (Environment.GetEnvironmentVariable("LAMINA_BENCH_FUNCTION_ENV") is { Length: > 0 } env)
        {
            var variables = new JsonObject();
            foreach (var pair in env.Split(','))
                variables[pair[..pair.IndexOf('=', StringComparison.Ordinal)]] = pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..];
            body["Environment"] = new JsonObject { ["Variables"] = variables };
        }
        using (var r = await Client.PostAsync("/2015-03-31/functions", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json")))
            if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"CreateFunction {name}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
        for (var deadline = DateTime.UtcNow.AddMinutes(3); ;)
        {
            var config = await Client.GetFromJsonAsync<JsonElement>($"/2015-03-31/functions/{name}/configuration");
            var state = config.GetProperty("State").GetString();
            if (state == "Active") return;
            if (state == "Failed" || DateTime.UtcNow > deadline) throw new InvalidOperationException($"function {name} is {state}: {config}");
            await Task.Delay(100);
        }
    }

    /// <summary>One Invoke (RequestResponse); the answer body when 200 without FunctionError, else null (the answer goes to the error list).</summary>
    public async Task<string?> InvokeAsync(string name, string payload)
    {
        using var r = await Client.PostAsync($"/2015-03-31/functions/{name}/invocations", new StringContent(payload, Encoding.UTF8, "application/json"));
        var text = await r.Content.ReadAsStringAsync();
        if (r.IsSuccessStatusCode && !r.Headers.Contains("X-Amz-Function-Error")) return text;
        LastError = $"{DateTime.UtcNow:HH:mm:ss.fff} {name} {(int)r.StatusCode} {text}";
        _errors.Enqueue(LastError);
        return null;
    }

    /// <summary>The last failed answer, for the report.</summary>
    public string? LastError { get; private set; }

    /// <summary>Sandboxes of this server on the host right now (one per environment, live or starting).</summary>
    public int SandboxCount => Directory.Exists(SandboxesDir) ? Directory.GetDirectories(SandboxesDir).Length : 0;

    /// <summary>
    /// Writes /tmp/release (through /proc/PID/root) into every running sandbox not released yet, so runtimes
    /// holding a "wait" event answer. Returns how many were released by this call.
    /// </summary>
    public int ReleaseNew(HashSet<string> released)
    {
        var n = 0;
        foreach (var id in Directory.Exists(SandboxesDir) ? Directory.GetDirectories(SandboxesDir).Select(Path.GetFileName) : [])
        {
            if (released.Contains(id!) || Scheduler.Manager.Find(id!) is not { Pid: > 0 } sandbox || sandbox.Exited.IsCompleted) continue;
            try
            {
                File.WriteAllText($"/proc/{sandbox.Pid}/root/tmp/release", "");
                released.Add(id!);
                n++;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return n;
    }

    /// <summary>
    /// Times <paramref name="n"/> thaw + freeze pairs (runc resume / pause, what every warm invoke pays) on one
    /// idle frozen environment, outside any invoke: call only when no invoke is in flight.
    /// </summary>
    public async Task<(double ThawMs, double FreezeMs)> TimeThawFreezeAsync(int n)
    {
        // The last invoke's environment is frozen only after its freeze delay (adaptive, up to MaxFreezeDelay): wait for one.
        Lamina.Sandbox.SandboxHandle? sandbox = null;
        for (var waited = System.Diagnostics.Stopwatch.StartNew(); sandbox is null && waited.Elapsed < TimeSpan.FromSeconds(10); await Task.Delay(20))
        {
            sandbox = (Directory.Exists(SandboxesDir) ? Directory.GetDirectories(SandboxesDir) : []).Select(d => Scheduler.Manager.Find(Path.GetFileName(d)))
                .FirstOrDefault(s => s is { State: Lamina.Sandbox.SandboxState.Frozen });
        }
        if (sandbox is null) throw new InvalidOperationException("no frozen environment within 10 s");
        var thaw = new List<double>();
        var freeze = new List<double>();
        for (var i = 0; i < n; i++)
        {
            var t = System.Diagnostics.Stopwatch.GetTimestamp();
            if (await Scheduler.Manager.ThawAsync(sandbox) is { } e1) throw new InvalidOperationException(e1.ToString());
            thaw.Add(System.Diagnostics.Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            t = System.Diagnostics.Stopwatch.GetTimestamp();
            if (await Scheduler.Manager.FreezeAsync(sandbox) is { } e2) throw new InvalidOperationException(e2.ToString());
            freeze.Add(System.Diagnostics.Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }
        return (Stats.Median(thaw), Stats.Median(freeze));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _host.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
